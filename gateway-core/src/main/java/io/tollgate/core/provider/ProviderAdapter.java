package io.tollgate.core.provider;

import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Headers;
import io.tollgate.core.upstream.UpstreamRequest;
import io.tollgate.core.upstream.UpstreamTransport;
import org.jspecify.annotations.Nullable;

/**
 * Pure translation between the canonical (OpenAI) shape and one vendor's wire format: no I/O, no
 * Netty, so every adapter is unit-tested on bytes. One instance per configured provider, shared by
 * all requests: thread-safe. Vendor quirks live here and nowhere else.
 */
public interface ProviderAdapter {

    /** The provider's name: its key under {@code providers:}. */
    String name();

    /** Whether this provider can serve {@code api} (natively or by translation). */
    boolean supports(ApiKind api);

    /** False while the credentials it needs are missing (its aliases are then not served). */
    default boolean isEnabled() {
        return true;
    }

    /**
     * What a disabled provider lacks, for the error its aliases answer with; null for the common case, a
     * missing {@code api-key}. Shown to clients: name config keys, never values, paths or vendor messages.
     */
    default @org.jspecify.annotations.Nullable String missingCredential() {
        return null;
    }

    /**
     * The vendor request for {@code request}, addressed to {@code upstreamModel}, credentials
     * included. For a streamed request, ask the vendor for usage in the stream where it needs asking.
     */
    UpstreamRequest toUpstream(GatewayRequest request, String upstreamModel);

    /** A complete 2xx vendor answer as a canonical response, usage included where the vendor reports it. */
    GatewayResponse fromUpstream(GatewayRequest request, int status, Headers headers, byte[] body);

    /** A translator for one streamed answer to {@code request}. */
    StreamTranslator streamTranslator(GatewayRequest request);

    /**
     * A vendor error (status >= 400) as a gateway error, classified for routing. 4xx the client can
     * fix keep the vendor's status, code and message; credentials never appear in the message.
     */
    GatewayError toError(int status, Headers headers, byte[] body);

    /** An in-process transport (the mock provider), or null to go over the network. */
    default @Nullable UpstreamTransport localTransport() {
        return null;
    }
}
