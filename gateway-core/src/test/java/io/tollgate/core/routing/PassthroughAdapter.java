package io.tollgate.core.routing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.FailureClass;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.StreamChunk;
import io.tollgate.core.provider.ChunkSink;
import io.tollgate.core.provider.ProviderAdapter;
import io.tollgate.core.provider.SseDecoder;
import io.tollgate.core.provider.StreamTranslator;
import io.tollgate.core.upstream.UpstreamRequest;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Test double for the router: an OpenAI passthrough. Requests go as-is (model replaced) to
 * {@code http://<name>.test/v1/chat/completions}; answers come back as-is; SSE via {@link SseDecoder};
 * an SSE event whose data has an {@code "error"} object is reported as an in-stream error.
 */
public class PassthroughAdapter implements ProviderAdapter {

    private final String name;
    volatile boolean enabled = true;
    /** APIs served; null = all. */
    volatile java.util.Set<ApiKind> apis;
    /** The API of the last request translated. */
    volatile ApiKind lastApi;

    public PassthroughAdapter(String name) {
        this.name = name;
    }

    @Override public String name() { return name; }
    @Override public boolean supports(ApiKind api) { return apis == null || apis.contains(api); }
    @Override public boolean isEnabled() { return enabled; }

    @Override
    public UpstreamRequest toUpstream(GatewayRequest request, String upstreamModel) {
        lastApi = request.api();
        ObjectNode body = request.json().deepCopy().put("model", upstreamModel);
        return UpstreamRequest.post(URI.create("http://" + name + ".test/v1/chat/completions"),
                MutableHeaders.of("authorization", "Bearer sk-" + name, "content-type", "application/json"), Json.bytes(body));
    }

    @Override
    public GatewayResponse fromUpstream(GatewayRequest request, int status, Headers headers, byte[] body) {
        return GatewayResponse.unary(status, MutableHeaders.of("content-type", "application/json"), body, null);
    }

    @Override
    public StreamTranslator streamTranslator(GatewayRequest request) {
        SseDecoder decoder = new SseDecoder();
        return new StreamTranslator() {
            private boolean done;

            @Override
            public void feed(ByteBuffer bytes, ChunkSink out) {
                decoder.feed(bytes, (event, data) -> emit(data, out));
            }

            @Override
            public void end(ChunkSink out) {
                decoder.end((event, data) -> emit(data, out));
            }

            @Override
            public boolean ended() {
                return done;
            }

            private void emit(byte[] data, ChunkSink out) {
                if (done) {
                    return;
                }
                if (SseDecoder.isDone(data)) {
                    done = true;
                    return;
                }
                PassthroughAdapter.emit(data, out);
            }
        };
    }

    private static void emit(byte[] data, ChunkSink out) {
        StreamChunk chunk = StreamChunk.of(data);
        if (chunk.json().has("error")) {
            out.error(GatewayError.upstream(ErrorCode.UPSTREAM_ERROR, chunk.json().path("error").path("message").asText(), FailureClass.SERVER_ERROR, null));
            return;
        }
        out.chunk(chunk);
    }

    @Override
    public GatewayError toError(int status, Headers headers, byte[] body) {
        String message = "upstream " + name + " " + status + ": " + new String(body, StandardCharsets.UTF_8);
        String ra = headers.get("retry-after");
        Duration retryAfter = ra == null ? null : Duration.ofSeconds(Long.parseLong(ra.trim()));
        if (status == 429) {
            return new GatewayError(429, ErrorCode.RATE_LIMIT_EXCEEDED.code(), ErrorCode.RATE_LIMIT_EXCEEDED.type(), message, null, FailureClass.RATE_LIMIT, retryAfter);
        }
        if (status >= 500) {
            return GatewayError.upstream(ErrorCode.UPSTREAM_ERROR, message, FailureClass.SERVER_ERROR, retryAfter);
        }
        if (status == 401 || status == 403) {
            return GatewayError.upstream(ErrorCode.UPSTREAM_ERROR, message, FailureClass.AUTH, null);
        }
        return new GatewayError(status, "upstream_client_error", "invalid_request_error", message, null, FailureClass.CLIENT_ERROR, null);
    }
}
