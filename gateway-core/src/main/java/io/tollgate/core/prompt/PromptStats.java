package io.tollgate.core.prompt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.model.Json;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-version request statistics for {@code GET /admin/prompts/{id}/compare}: counts, errors, mean
 * cost and tokens, and latency percentiles over the last {@value #WINDOW} requests. Per process and
 * since start only: the ledger holds the durable, per-request history.
 */
public final class PromptStats {

    static final int WINDOW = 2048;

    private final ConcurrentHashMap<String, VersionStats> byVersion = new ConcurrentHashMap<>();

    public void record(String prompt, int version, boolean success, long latencyNanos, double costUsd, long inputTokens, long outputTokens) {
        byVersion.computeIfAbsent(prompt + "@" + version, k -> new VersionStats())
                .record(success, latencyNanos, costUsd, inputTokens, outputTokens);
    }

    public ObjectNode snapshot(String prompt, int version) {
        VersionStats s = byVersion.get(prompt + "@" + version);
        return s == null ? new VersionStats().toJson(version) : s.toJson(version);
    }

    private static final class VersionStats {
        private long count;
        private long errors;
        private double costUsd;
        private long inputTokens;
        private long outputTokens;
        private final long[] latencies = new long[WINDOW];
        private int next;

        synchronized void record(boolean success, long latencyNanos, double cost, long in, long out) {
            count++;
            if (!success) {
                errors++;
            }
            costUsd += cost;
            inputTokens += in;
            outputTokens += out;
            latencies[next++ % WINDOW] = latencyNanos;
        }

        synchronized ObjectNode toJson(int version) {
            ObjectNode n = Json.object().put("version", version).put("requests", count).put("errors", errors)
                    .put("error_rate", count == 0 ? 0 : (double) errors / count)
                    .put("mean_cost_usd", count == 0 ? 0 : costUsd / count)
                    .put("mean_input_tokens", count == 0 ? 0 : (double) inputTokens / count)
                    .put("mean_output_tokens", count == 0 ? 0 : (double) outputTokens / count);
            int size = (int) Math.min(count, WINDOW);
            long[] sorted = Arrays.copyOf(latencies, size);
            Arrays.sort(sorted);
            n.put("latency_p50_ms", percentileMillis(sorted, 0.50));
            n.put("latency_p95_ms", percentileMillis(sorted, 0.95));
            n.put("latency_samples", size);
            return n;
        }

        private static double percentileMillis(long[] sorted, double q) {
            if (sorted.length == 0) {
                return 0;
            }
            int i = (int) Math.ceil(q * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1_000_000.0;
        }
    }
}
