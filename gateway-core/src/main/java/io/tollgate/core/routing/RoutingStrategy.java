package io.tollgate.core.routing;

import java.util.List;

/**
 * Orders an alias's usable targets for one attempt: the router tries them in that order and takes
 * the first whose breaker and bulkhead admit it. One instance per alias per config version, shared by
 * every event loop: implementations are thread-safe.
 */
public interface RoutingStrategy {

    /** {@code candidates} (non-empty, in config order) in order of preference; may be the same list. */
    List<Target> rank(List<Target> candidates);
}
