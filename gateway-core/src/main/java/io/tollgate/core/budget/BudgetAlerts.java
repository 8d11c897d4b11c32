package io.tollgate.core.budget;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.core.model.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Soft budget alerts: when spend crosses one of a budget's {@code alerts} fractions, once per
 * threshold per period (across replicas when the store is Redis): a log line, {@code gateway.budget.alerts{scope}} and, if
 * {@code alerts.webhook} is set, a JSON POST, retried with backoff on the blocking executor.
 */
public final class BudgetAlerts {

    private static final Logger log = LoggerFactory.getLogger(BudgetAlerts.class);
    /** Waits before the 2nd, 3rd and 4th attempt. */
    static final List<Duration> BACKOFF = List.of(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(5));
    private final Map<BudgetScope, Counter> counters = new EnumMap<>(BudgetScope.class);
    private final Executor blocking;
    private final ScheduledExecutorService scheduler;
    private volatile HttpClient http;

    public BudgetAlerts(MeterRegistry registry, Executor blocking, ScheduledExecutorService scheduler) {
        for (BudgetScope s : BudgetScope.values()) {
            counters.put(s, Counter.builder("gateway.budget.alerts").description("Budget alert thresholds crossed")
                    .tag("scope", s.label()).register(registry));
        }
        this.blocking = blocking;
        this.scheduler = scheduler;
    }

    /**
     * Checks {@code spent} against the thresholds; fires each crossed one once per window: the
     * store's claim makes that hold across replicas and across reloads, and a reset re-arms it.
     */
    public void check(BudgetWindow window, double limit, List<Double> thresholds, double spent, String webhook, BudgetStore store) {
        if (limit <= 0) {
            return;
        }
        for (Double t : thresholds) {
            if (spent >= t * limit) {
                store.claimAlert(window, t).whenComplete((first, error) -> {
                    if (error == null && first) {
                        fire(window, limit, t, spent, webhook);
                    }
                });
            }
        }
    }

    private void fire(BudgetWindow w, double limit, double threshold, double spent, String webhook) {
        counters.get(w.scope()).increment();
        log.warn("budget alert: {} '{}' spent ${} of ${} {} budget (crossed {}%); {}", w.scope().label(), w.id(),
                String.format("%.4f", spent), limit, w.periodName(), Math.round(threshold * 100), w.resetText());
        if (webhook.isBlank()) {
            return;
        }
        ObjectNode body = Json.object()
                .put("type", "budget.alert").put("scope", w.scope().label()).put("id", w.id())
                .put("threshold", threshold).put("spent_usd", spent).put("limit_usd", limit)
                .put("period", w.periodName()).put("period_start", w.start().toString());
        body.put("resets_at", w.end() == null ? null : w.end().toString());
        blocking.execute(() -> post(webhook, Json.bytes(body), 0));
    }

    /** Runs on the blocking executor; a retry waits on the scheduler, then hops back. */
    private void post(String url, byte[] body, int attempt) {
        String outcome;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            HttpResponse<Void> response = client().send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 == 2) {
                return;
            }
            outcome = "status " + response.statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            outcome = e.toString();
        }
        if (attempt < BACKOFF.size()) {
            log.info("budget alert webhook attempt {} failed ({}); retrying", attempt + 1, outcome);
            scheduler.schedule(() -> blocking.execute(() -> post(url, body, attempt + 1)),
                    BACKOFF.get(attempt).toMillis(), TimeUnit.MILLISECONDS);
        } else {
            log.warn("budget alert webhook gave up after {} attempts ({})", attempt + 1, outcome);
        }
    }

    private HttpClient client() {
        HttpClient c = http;
        if (c == null) {
            synchronized (this) {
                if (http == null) {
                    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
                }
                c = http;
            }
        }
        return c;
    }
}
