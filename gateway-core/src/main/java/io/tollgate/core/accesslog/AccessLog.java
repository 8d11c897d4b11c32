package io.tollgate.core.accesslog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.filter.Exchange;
import io.tollgate.core.filter.RequestObserver;
import io.tollgate.core.ledger.LedgerRow;
import io.tollgate.core.model.Completion;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.RequestRecord;
import io.tollgate.core.model.TokenUsage;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code server.access-log}: one JSON line per finished request on the logger {@value #LOGGER_NAME}
 * (and a shorter one per request refused before the chain, {@link #refused}),
 * for log pipelines (Loki, Elasticsearch, CloudWatch) that do not read the ledger. The same facts as
 * the ledger row (it is built from one), plus the API, stream flag and the gateway's own time.
 * Never the key, the prompt or the answer: only ids, counts and timings.
 *
 * <p>Runs on the event loop: the line is built here and handed to logback, whose appender for this
 * logger is asynchronous and drops lines rather than block when its queue is full (the launcher's
 * logging; see {@code LogConfigurator}).
 */
public final class AccessLog implements RequestObserver {

    public static final String LOGGER_NAME = "tollgate.access";
    private static final Logger log = LoggerFactory.getLogger(LOGGER_NAME);

    private final Clock clock;

    AccessLog(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void onComplete(Exchange ex, Completion completion) {
        if (log.isInfoEnabled()) {
            log.info(line(ex, completion, clock));
        }
    }

    /**
     * The line for a client-API request refused before the chain ran (no valid key, a body that does not parse,
     * a wrong content type, too large, draining): only what is known before a key or a model is.
     */
    public static void refused(Clock clock, String requestId, String api, GatewayError error) {
        if (log.isInfoEnabled()) {
            log.info(refusedLine(clock, requestId, api, error));
        }
    }

    static String refusedLine(Clock clock, String requestId, String api, GatewayError error) {
        return Json.object()
                .put("ts", clock.instant().toString())
                .put("request_id", requestId)
                .put("api", api)
                .put("status", error.status())
                .put("error", error.code())
                .toString();
    }

    static String line(Exchange ex, Completion completion, Clock clock) {
        LedgerRow row = LedgerRow.from(ex, completion, clock.instant());
        RequestRecord r = ex.record();
        ObjectNode n = Json.object()
                .put("ts", row.time().toString())
                .put("request_id", row.requestId())
                .put("api", ex.api().path())
                .put("status", row.status());
        putIfPresent(n, "error", row.errorCode());
        n.put("key", row.keyId());
        putIfPresent(n, "team", row.team());
        putIfPresent(n, "user", row.user());
        if (!row.tags().isEmpty()) {
            ObjectNode tags = n.putObject("tags");
            for (Map.Entry<String, String> t : row.tags().entrySet()) {
                tags.put(t.getKey(), t.getValue());
            }
        }
        putIfPresent(n, "model", row.alias());
        putIfPresent(n, "provider", row.provider());
        putIfPresent(n, "upstream_model", row.upstreamModel());
        if (row.promptId() != null) {
            n.put("prompt", row.promptId() + "@" + row.promptVersion());
        }
        n.put("stream", ex.request().stream())
                .put("attempts", row.attempts())
                .put("cache", row.cacheStatus());
        TokenUsage u = row.usage();
        n.put("input_tokens", u.inputTokens()).put("output_tokens", u.outputTokens());
        if (u.cacheReadTokens() > 0) {
            n.put("cached_input_tokens", u.cacheReadTokens());
        }
        n.put("cost_usd", row.costUsd())
                .put("duration_ms", millis(r.durationNanos() > 0 ? r.durationNanos() : row.latencyMs() * 1_000_000))
                .put("upstream_ms", millis(r.upstreamNanos()))
                .put("overhead_ms", millis(r.overheadNanos()));
        if (row.ttftMs() != null) {
            n.put("ttft_ms", row.ttftMs());
        }
        return n.toString();
    }

    private static void putIfPresent(ObjectNode n, String field, String value) {
        if (value != null && !value.isEmpty()) {
            n.put(field, value);
        }
    }

    /** Milliseconds with microsecond resolution: 0.42, not 0. */
    private static double millis(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }
}
