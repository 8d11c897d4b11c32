package io.tollgate.core.routing;

import io.tollgate.core.filter.Ticker;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * {@code routing: least-latency}: the target with the lowest moving average of time to first token
 * (whole-answer latency for unary calls). Exploration keeps the averages honest, so a target that
 * got slow once and then recovered gets traffic back: a target without a sample, or whose sample is
 * older than {@link #STALE_NANOS}, goes first (one probe refreshes it); and {@link #EPSILON} of picks
 * go to a random target.
 */
public final class LeastLatencyStrategy implements RoutingStrategy {

    static final double EPSILON = 0.05;
    static final long STALE_NANOS = 30_000_000_000L;

    private final Ticker ticker;
    private final DoubleSupplier random;

    public LeastLatencyStrategy(Ticker ticker, DoubleSupplier random) {
        this.ticker = ticker;
        this.random = random;
    }

    @Override
    public List<Target> rank(List<Target> candidates) {
        List<Target> ranked = new ArrayList<>(candidates);
        long now = ticker.read();
        ranked.sort(Comparator.comparingDouble(t -> score(t, now)));
        if (ranked.size() > 1 && score(ranked.get(0), now) >= 0 && random.getAsDouble() < EPSILON) {
            int i = 1 + (int) (random.getAsDouble() * (ranked.size() - 1));
            ranked.add(0, ranked.remove(Math.min(i, ranked.size() - 1)));
        }
        return ranked;
    }

    /** Negative (first) for unmeasured or stale targets, else the average latency. */
    private static double score(Target t, long now) {
        double latency = t.state().latencyNanos();
        long last = t.state().lastSampleNanos();
        if (Double.isNaN(latency) || last == Long.MIN_VALUE) {
            return -2;
        }
        if (now - last > STALE_NANOS) {
            return -1;
        }
        return latency;
    }
}
