package io.tollgate.core.model;

/**
 * Tokens of one request, normalized across vendors.
 *
 * <p>{@code inputTokens} counts <em>every</em> input token, including cache reads and cache writes
 * (OpenAI's {@code prompt_tokens} semantics). Anthropic reports them apart, so its adapter adds
 * them up. Pricing uses {@link #uncachedInputTokens()} at the plain input rate and each cache count at
 * its own rate, which is what keeps prompt-cached requests from being overbilled.
 *
 * @param inputTokens     all input tokens (plain + cache read + cache write)
 * @param outputTokens    all output tokens (reasoning included, as vendors bill them)
 * @param cacheReadTokens input tokens served from the vendor's prompt cache
 * @param cacheWriteTokens input tokens written to the vendor's prompt cache
 * @param reasoningTokens the part of {@code outputTokens} spent on reasoning (informational)
 */
public record TokenUsage(long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens, long reasoningTokens) {

    public static final TokenUsage ZERO = new TokenUsage(0, 0, 0, 0, 0);

    public TokenUsage {
        if (inputTokens < 0 || outputTokens < 0 || cacheReadTokens < 0 || cacheWriteTokens < 0 || reasoningTokens < 0) {
            throw new IllegalArgumentException("token counts must not be negative: " + inputTokens + "/" + outputTokens + "/"
                    + cacheReadTokens + "/" + cacheWriteTokens + "/" + reasoningTokens);
        }
    }

    public static TokenUsage of(long inputTokens, long outputTokens) {
        return new TokenUsage(inputTokens, outputTokens, 0, 0, 0);
    }

    /** Input tokens billed at the plain input rate. */
    public long uncachedInputTokens() {
        return Math.max(0, inputTokens - cacheReadTokens - cacheWriteTokens);
    }

    public long totalTokens() {
        return inputTokens + outputTokens;
    }

    public boolean isZero() {
        return inputTokens == 0 && outputTokens == 0;
    }
}
