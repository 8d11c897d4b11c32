package io.tollgate.core.routing;

import java.util.List;

/** {@code routing: fallback}: targets in config order; the next one only when the one before fails. */
public final class FallbackStrategy implements RoutingStrategy {

    @Override
    public List<Target> rank(List<Target> candidates) {
        return candidates;
    }
}
