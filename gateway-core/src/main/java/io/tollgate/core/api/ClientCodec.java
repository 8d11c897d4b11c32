package io.tollgate.core.api;

import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;

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
     * Whether this codec speaks the client side of {@code api}. Codecs listed in
     * {@code META-INF/services/io.tollgate.core.api.ClientCodec} take over the APIs they serve
     * (Anthropic's codec serves {@link ApiKind#MESSAGES}).
     */
    default boolean serves(ApiKind api) {
        return api != ApiKind.MESSAGES;
    }

    /** A new encoder for the answer to {@code request} (stateful for streams). */
    ResponseEncoder encoder(GatewayRequest request);
}
