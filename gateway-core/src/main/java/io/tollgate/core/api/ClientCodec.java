package io.tollgate.core.api;

import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.Headers;

/**
 * The client's side of the wire: parses what the client sent into the canonical request and makes
 * an encoder that writes answers back in the client's own format (OpenAI's, or Anthropic's on
 * {@code /v1/messages}).
 */
public interface ClientCodec {

    /**
     * Parses and checks a request body. Throws {@link io.tollgate.core.error.GatewayException} with a
     * 400 that names the field on anything malformed.
     */
    GatewayRequest decode(ApiKind api, byte[] body);

    /**
     * Parses a request body, seeing the client's headers too (a codec may carry some of them to a
     * native upstream, as Anthropic's does with {@code anthropic-beta}).
     */
    default GatewayRequest decode(ApiKind api, byte[] body, Headers headers) {
        return decode(api, body);
    }

    /** A new encoder for the answer to {@code request} (stateful for streams). */
    ResponseEncoder encoder(GatewayRequest request);
}
