package io.tollgate.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tollgate.core.filter.Exchange;
import io.tollgate.core.filter.RequestObserver;
import io.tollgate.core.model.Completion;
import io.tollgate.core.model.RequestRecord;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The request-level meters of SPEC §6: {@code gateway_requests_total{model,provider,status}},
 * {@code gateway_request_duration_seconds}, {@code gateway_overhead_seconds} (the gateway's own
 * time: request time minus upstream wait) and {@code gateway_active_requests}.
 *
 * <p>Label values are bounded: {@code model} is a configured alias (anything else is reported as
 * {@code unknown}), {@code provider} a configured provider name, {@code status} an HTTP status.
 */
public final class RequestMeters implements RequestObserver {

    private record Key(String model, String provider, int status) {}

    private final MeterRegistry registry;
    private final Timer duration;
    private final Timer overhead;
    private final AtomicInteger active = new AtomicInteger();
    private final ConcurrentMap<Key, Counter> counters = new ConcurrentHashMap<>();
    private volatile Set<String> knownAliases = Set.of();

    public RequestMeters(MeterRegistry registry) {
        this.registry = registry;
        this.duration = Timer.builder("gateway.request.duration")
                .description("Time from request received to last byte written")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
        this.overhead = Timer.builder("gateway.overhead")
                .description("The gateway's own time per request: request time minus time waiting on upstreams")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        Gauge.builder("gateway.active.requests", active, AtomicInteger::get)
                .description("Requests in flight")
                .register(registry);
    }

    /** Aliases that may appear as the {@code model} label; anything else is {@code unknown}. */
    public void knownAliases(Set<String> aliases) {
        this.knownAliases = Set.copyOf(aliases);
    }

    /** Call when a request enters the chain. */
    public void started() {
        active.incrementAndGet();
    }

    public int active() {
        return active.get();
    }

    /**
     * Counts a request to a client API refused before the chain ran (a body that does not parse, a wrong
     * content type, too large, draining): under model and provider {@code none}, like other refusals.
     */
    public void refused(int status) {
        counter(new Key("none", "none", status)).increment();
    }

    @Override
    public void onComplete(Exchange ex, Completion completion) {
        active.decrementAndGet();
        RequestRecord r = ex.record();
        String model = knownAliases.contains(r.alias()) ? r.alias() : (r.alias().isEmpty() ? "none" : "unknown");
        String provider = r.provider().isEmpty() ? "none" : r.provider();
        int status = completion.outcome() == Completion.Outcome.CANCELLED ? 499 : r.status();
        counter(new Key(model, provider, status)).increment();
        duration.record(r.durationNanos(), TimeUnit.NANOSECONDS);
        overhead.record(r.overheadNanos(), TimeUnit.NANOSECONDS);
    }

    private Counter counter(Key key) {
        return counters.computeIfAbsent(key, k -> Counter.builder("gateway.requests")
                .description("Requests served, by alias, provider and HTTP status (499: the client went away)")
                .tag("model", k.model()).tag("provider", k.provider()).tag("status", Integer.toString(k.status()))
                .register(registry));
    }
}
