package io.tollgate.core.upstream;

import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.FailureClass;
import io.tollgate.core.error.GatewayError;
import java.util.Objects;

/** Why an attempt failed below HTTP: no answer, a cut connection, or a timeout. */
public record UpstreamFailure(Kind kind, String detail) {

    public enum Kind {
        CONNECT_REFUSED, CONNECT_TIMEOUT, FIRST_BYTE_TIMEOUT, IDLE_TIMEOUT, TOTAL_TIMEOUT, CONNECTION_RESET, TLS, PROTOCOL
    }

    public UpstreamFailure {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }

    public boolean isTimeout() {
        return kind == Kind.CONNECT_TIMEOUT || kind == Kind.FIRST_BYTE_TIMEOUT || kind == Kind.IDLE_TIMEOUT || kind == Kind.TOTAL_TIMEOUT;
    }

    /** The client-facing error if this was the last attempt: 504 for timeouts, 502 otherwise. */
    public GatewayError toError(String provider) {
        String message = "Upstream '" + provider + "' failed: " + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + (detail.isEmpty() ? "" : " (" + detail + ")");
        return isTimeout()
                ? GatewayError.upstream(ErrorCode.UPSTREAM_TIMEOUT, message, FailureClass.TIMEOUT, null)
                : GatewayError.upstream(ErrorCode.UPSTREAM_ERROR, message, FailureClass.CONNECTION, null);
    }
}
