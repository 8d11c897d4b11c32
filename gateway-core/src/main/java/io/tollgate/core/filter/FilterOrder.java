package io.tollgate.core.filter;

/**
 * Where the built-in filters stand, with gaps for custom ones (a custom filter between rate limits
 * and budgets takes 450). Lower runs first on the request; its hook runs last on the response.
 */
public final class FilterOrder {

    /**
     * Tracing: outermost, so its span covers every filter, hears every refusal (401, 429, 402, ...) and
     * its hook is the last to see the answer, after metering settled tokens and cost.
     */
    public static final int TRACING = 50;
    /** Virtual-key authentication: everyone after knows the principal. */
    public static final int AUTH = 100;
    /** Prompt-version injection: render before anything reads messages (cache key, token estimate). */
    public static final int PROMPT = 200;
    /** Alias resolution and per-key model access (404 / 403), once the prompt may have set the model. */
    public static final int MODEL_ACCESS = 250;
    /** Input guardrails: reject bad input before it spends limits. */
    public static final int GUARDRAIL_INPUT = 300;
    /** RPM/TPM; its hook settles TPM with real usage. */
    public static final int RATE_LIMIT = 400;
    /** Budgets: reserve the estimated cost, settle in the hook. */
    public static final int BUDGET = 500;
    /** A cache hit short-circuits; hooks of 100-500 still see it. */
    public static final int CACHE = 600;
    /** Innermost hook: sees upstream usage before anything rewrites chunks. */
    public static final int METERING = 700;

    private FilterOrder() {}
}
