package io.tollgate.core.model;

import io.tollgate.core.error.GatewayError;
import org.jspecify.annotations.Nullable;

/** How a request ended. Every response hook hears it exactly once. */
public record Completion(Outcome outcome, @Nullable GatewayError error) {

    public enum Outcome { SUCCESS, ERROR, CANCELLED }

    public static final Completion SUCCESS = new Completion(Outcome.SUCCESS, null);
    public static final Completion CANCELLED = new Completion(Outcome.CANCELLED, null);

    public static Completion error(GatewayError error) {
        return new Completion(Outcome.ERROR, error);
    }

    public boolean isSuccess() {
        return outcome == Outcome.SUCCESS;
    }
}
