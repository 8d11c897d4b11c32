package io.tollgate.core.filter;

import java.util.concurrent.CompletionStage;

/**
 * One step of the chain. Shared across requests: thread-safe, no per-request fields.
 *
 * <p>Runs on the request's event loop, in chain order. Never blocks: return a completed stage for
 * in-memory work ({@link FilterDecision#proceed()} and friends), or a stage completed elsewhere (a
 * Redis call); the chain resumes on {@link Exchange#eventLoop()} either way. A thrown exception or a
 * failed stage becomes a 500 {@code internal_error} (or the {@link io.tollgate.core.error.GatewayException}'s
 * own error) and is logged once.
 */
@FunctionalInterface
public interface GatewayFilter {

    CompletionStage<FilterDecision> onRequest(Exchange ex);
}
