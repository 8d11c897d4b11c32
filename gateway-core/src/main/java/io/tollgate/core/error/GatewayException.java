package io.tollgate.core.error;

import java.util.Objects;

/** Carries a {@link GatewayError} through code that throws; the chain turns it into that answer. */
public final class GatewayException extends RuntimeException {

    private final GatewayError error;

    public GatewayException(GatewayError error) {
        super(error.message(), null, false, false);   // no stack trace: this is control flow, not a bug
        this.error = Objects.requireNonNull(error, "error");
    }

    public GatewayError error() {
        return error;
    }
}
