package io.tollgate.providers.mock;

import io.tollgate.core.config.ProviderConfig;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Headers;
import io.tollgate.core.provider.ProviderAdapter;
import io.tollgate.core.provider.ProviderFactory;
import io.tollgate.core.provider.StreamTranslator;
import io.tollgate.core.upstream.UpstreamRequest;
import io.tollgate.core.upstream.UpstreamTransport;
import io.tollgate.providers.openai.OpenAiAdapter;
import io.tollgate.providers.openai.OpenAiEndpoint;
import io.tollgate.providers.openai.OpenAiQuirks;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code type: mock}: the built-in offline, deterministic provider, so the shipped config runs with
 * no keys. Requests and answers go through the real OpenAI translation; only the transport is
 * in-process ({@link MockTransport}).
 */
public final class MockProviderFactory implements ProviderFactory {

    /** Never dialled: the mock's transport answers in-process. */
    static final String BASE_URL = "http://mock.tollgate.invalid/v1";

    @Override
    public Set<String> types() {
        return Set.of("mock");
    }

    @Override
    public List<String> keys(String type) {
        return List.of("headers", "enabled");
    }

    @Override
    public ProviderAdapter create(String name, ProviderConfig config, FilterServices services) {
        OpenAiAdapter openAi = new OpenAiAdapter(name, OpenAiEndpoint.bearer(BASE_URL, ""), config.headers(), OpenAiQuirks.NONE,
                EnumSet.of(ApiKind.CHAT_COMPLETIONS, ApiKind.COMPLETIONS, ApiKind.EMBEDDINGS, ApiKind.RESPONSES), !Boolean.FALSE.equals(config.enabled()));
        return new MockAdapter(openAi, new MockTransport(services.scheduler(), services.clock()));
    }

    /** The OpenAI adapter, answered by the in-process transport. */
    static final class MockAdapter implements ProviderAdapter {
        private final OpenAiAdapter openAi;
        private final UpstreamTransport transport;

        MockAdapter(OpenAiAdapter openAi, UpstreamTransport transport) {
            this.openAi = openAi;
            this.transport = transport;
        }

        @Override public String name() { return openAi.name(); }
        @Override public boolean supports(ApiKind api) { return openAi.supports(api); }
        @Override public boolean isEnabled() { return openAi.isEnabled(); }
        @Override public UpstreamRequest toUpstream(GatewayRequest request, String upstreamModel) { return openAi.toUpstream(request, upstreamModel); }
        @Override public GatewayResponse fromUpstream(GatewayRequest request, int status, Headers headers, byte[] body) {
            return openAi.fromUpstream(request, status, headers, body);
        }
        @Override public StreamTranslator streamTranslator(GatewayRequest request) { return openAi.streamTranslator(request); }
        @Override public GatewayError toError(int status, Headers headers, byte[] body) { return openAi.toError(status, headers, body); }
        @Override public UpstreamTransport localTransport() { return transport; }
        @Override public String toString() { return "MockAdapter[" + name() + "]"; }
    }
}
