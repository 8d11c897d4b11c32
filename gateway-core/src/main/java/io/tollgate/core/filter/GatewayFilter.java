package io.tollgate.core.filter;

import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.Headers;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

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

    /**
     * This filter's verdict, from the headers alone, on a request the gateway refuses before the chain
     * runs (its body does not parse, its content type is wrong); null: no objection. The first objection
     * replaces the refusal: authentication answers here, so a caller without a valid key gets 401 and
     * learns nothing of the API's validation.
     */
    default @Nullable GatewayError checkHeaders(Headers requestHeaders) {
        return null;
    }
}
