package io.tollgate.core.model;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What happened to one request, filled in by the filters and the router as it goes and read once at
 * the end by the request meters and the ledger. Mutable and confined to the request's event loop.
 */
public final class RequestRecord {

    private final long startNanos;
    private long endNanos;
    private @Nullable String user;
    private final Map<String, String> tags = new LinkedHashMap<>();
    private String alias = "";
    private String provider = "";
    private String upstreamModel = "";
    private int attempts;
    private TokenUsage usage = TokenUsage.ZERO;
    private double costUsd;
    private boolean priced = true;
    private double costSavedUsd;
    private String cache = "bypass";
    private @Nullable String promptId;
    private int promptVersion;
    private @Nullable String promptHash;
    private int status;
    private @Nullable String errorCode;
    private long upstreamNanos;
    private long firstTokenNanos = -1;

    public RequestRecord(long startNanos) {
        this.startNanos = startNanos;
    }

    public long startNanos() { return startNanos; }
    public long endNanos() { return endNanos; }
    public void end(long nanos) { this.endNanos = nanos; }

    /** Total time in the gateway, start to last byte written; 0 until the request ended. */
    public long durationNanos() { return endNanos == 0 ? 0 : endNanos - startNanos; }

    /** The gateway's own time: total minus time spent waiting on upstreams. */
    public long overheadNanos() { return Math.max(0, durationNanos() - upstreamNanos); }

    public @Nullable String user() { return user; }
    public void user(@Nullable String user) { this.user = user; }

    /** Cost-allocation tags (header {@code x-gateway-tags}, body {@code metadata}); ledger dimensions only. */
    public Map<String, String> tags() { return tags; }

    /** The alias the client asked for (after prompt injection). */
    public String alias() { return alias; }
    public void alias(String alias) { this.alias = alias; }

    /** The provider name (config key) of the last attempt. */
    public String provider() { return provider; }
    public void provider(String provider) { this.provider = provider; }

    /** The model the upstream actually served. */
    public String upstreamModel() { return upstreamModel; }
    public void upstreamModel(String upstreamModel) { this.upstreamModel = upstreamModel; }

    public int attempts() { return attempts; }
    public void attempts(int attempts) { this.attempts = attempts; }

    public TokenUsage usage() { return usage; }
    public void usage(TokenUsage usage) { this.usage = usage; }

    public double costUsd() { return costUsd; }
    public void costUsd(double costUsd) { this.costUsd = costUsd; }

    /** False when the model had no known price: tokens are metered, cost is 0. */
    public boolean priced() { return priced; }
    public void priced(boolean priced) { this.priced = priced; }

    /** What a cache hit would have cost upstream. */
    public double costSavedUsd() { return costSavedUsd; }
    public void costSavedUsd(double costSavedUsd) { this.costSavedUsd = costSavedUsd; }

    /** {@code hit}, {@code miss} or {@code bypass}. */
    public String cache() { return cache; }
    public void cache(String cache) { this.cache = cache; }

    public @Nullable String promptId() { return promptId; }
    public int promptVersion() { return promptVersion; }
    public @Nullable String promptHash() { return promptHash; }
    public void prompt(String id, int version, String contentHash) {
        this.promptId = id;
        this.promptVersion = version;
        this.promptHash = contentHash;
    }

    /** HTTP status sent to the client. */
    public int status() { return status; }
    public void status(int status) { this.status = status; }

    /** The error code sent to the client, or null on success. */
    public @Nullable String errorCode() { return errorCode; }
    public void errorCode(@Nullable String errorCode) { this.errorCode = errorCode; }

    /** Time spent waiting on upstreams, summed over attempts. */
    public long upstreamNanos() { return upstreamNanos; }
    public void addUpstreamNanos(long nanos) { this.upstreamNanos += nanos; }

    /** Time from request start to the first streamed chunk, or -1. */
    public long firstTokenNanos() { return firstTokenNanos; }
    public void firstTokenNanos(long nanos) { if (firstTokenNanos < 0) this.firstTokenNanos = nanos; }
}
