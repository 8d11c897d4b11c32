package io.tollgate.core.model;

import java.util.Objects;

/**
 * The client's original request body, kept beside the canonical translation when a request arrived
 * in a vendor's own format (Anthropic Messages on {@code /v1/messages}). An adapter that speaks that
 * format sends it upstream as it is, so nothing is lost in a round trip through the canonical shape
 * (Anthropic thinking blocks, {@code cache_control}, beta fields).
 *
 * <p>Reached through {@link GatewayRequest#nativeBody()}, which hides it once a filter edited the
 * canonical body: an edit must win, so a stale original is never sent.
 *
 * @param format         the wire format of {@code body}, e.g. {@link #ANTHROPIC_MESSAGES}
 * @param body           the client's bytes, unchanged (do not mutate)
 * @param forwardHeaders vendor headers from the client to pass upstream with it (e.g. {@code anthropic-beta});
 *                       the server fills it, the adapter reads it
 */
public record NativeBody(String format, byte[] body, MutableHeaders forwardHeaders) {

    /** Anthropic's Messages API request format. */
    public static final String ANTHROPIC_MESSAGES = "anthropic-messages";

    public NativeBody {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(forwardHeaders, "forwardHeaders");
    }

    public boolean is(String wantedFormat) {
        return format.equals(wantedFormat);
    }
}
