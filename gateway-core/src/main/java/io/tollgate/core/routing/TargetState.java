package io.tollgate.core.routing;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the router learned about one provider + upstream model: its breaker, its latency (EWMA), a
 * rate-limit cooldown and the attempts in flight. Shared by every event loop (so thread-safe) and
 * kept across config reloads in {@link RoutingState}.
 */
public final class TargetState {

    /** Weight of a new latency sample in the moving average. */
    static final double ALPHA = 0.3;

    private final String provider;
    private final String model;
    private final CircuitBreaker breaker;
    private final AtomicLong ewmaBits = new AtomicLong(Double.doubleToRawLongBits(Double.NaN));
    private final AtomicLong lastSampleNanos = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong cooldownUntilNanos = new AtomicLong(Long.MIN_VALUE);
    private final AtomicInteger inFlight = new AtomicInteger();

    TargetState(String provider, String model, CircuitBreaker breaker) {
        this.provider = provider;
        this.model = model;
        this.breaker = breaker;
    }

    public String provider() { return provider; }
    public String model() { return model; }
    public CircuitBreaker breaker() { return breaker; }

    /** Moving average of time to first token (streams) or whole-answer latency (unary), in nanos; NaN before the first sample. */
    public double latencyNanos() {
        return Double.longBitsToDouble(ewmaBits.get());
    }

    public long lastSampleNanos() {
        return lastSampleNanos.get();
    }

    void recordLatency(long nanos, long now) {
        ewmaBits.updateAndGet(bits -> {
            double old = Double.longBitsToDouble(bits);
            double next = Double.isNaN(old) ? nanos : ALPHA * nanos + (1 - ALPHA) * old;
            return Double.doubleToRawLongBits(next);
        });
        lastSampleNanos.set(now);
    }

    /** After a 429: no attempts go here before {@code untilNanos}. */
    void coolDownUntil(long untilNanos) {
        cooldownUntilNanos.accumulateAndGet(untilNanos, Math::max);
    }

    public boolean coolingDown(long now) {
        return now - cooldownUntilNanos.get() < 0 && cooldownUntilNanos.get() != Long.MIN_VALUE;
    }

    long cooldownUntil() {
        return cooldownUntilNanos.get();
    }

    /** Takes a bulkhead slot; false when {@code max} attempts are already in flight. */
    boolean tryEnter(int max) {
        while (true) {
            int n = inFlight.get();
            if (n >= max) {
                return false;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void exit() {
        inFlight.decrementAndGet();
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** 0 closed, 1 open, 2 half-open (forced/disabled states report as closed or open). */
    double stateGauge() {
        return switch (breaker.getState()) {
            case OPEN, FORCED_OPEN -> 1;
            case HALF_OPEN -> 2;
            default -> 0;
        };
    }
}
