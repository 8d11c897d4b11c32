package io.tollgate.core.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.filter.Exchange;

/**
 * Seam: how many tokens (input + expected output) a request will use, charged to TPM before the
 * call and settled with real usage after it. The rate-limit factory takes the one in
 * {@code services.shared(TokenEstimator.class, ...)}; register metering's tokenizer-backed estimator
 * there before the chain is built, or this heuristic is used.
 */
@FunctionalInterface
public interface TokenEstimator {

    long estimateTokens(Exchange ex);

    /** Output tokens assumed when the client sets no max_tokens (settlement corrects it). */
    long DEFAULT_OUTPUT_TOKENS = 256;

    /** Body size / 4 (about 4 characters per token, JSON overhead errs high) + max output tokens. */
    TokenEstimator HEURISTIC = ex -> ex.request().bytes().length / 4 + maxOutputTokens(ex);

    static long maxOutputTokens(Exchange ex) {
        JsonNode json = ex.request().json();
        for (String field : new String[] {"max_completion_tokens", "max_tokens", "max_output_tokens"}) {
            JsonNode n = json.get(field);
            if (n != null && n.canConvertToLong() && n.asLong() > 0) {
                return n.asLong();
            }
        }
        return DEFAULT_OUTPUT_TOKENS;
    }
}
