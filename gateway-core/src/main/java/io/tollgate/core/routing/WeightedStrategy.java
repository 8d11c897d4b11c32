package io.tollgate.core.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code routing: weighted}: smooth weighted round robin (nginx's): over any window of
 * sum-of-weights picks each target is chosen exactly weight times, interleaved rather than in bursts.
 * Only the first pick advances the rotation; the rest follow by weight as fallbacks.
 */
public final class WeightedStrategy implements RoutingStrategy {

    private final long[] current;

    public WeightedStrategy(int targets) {
        this.current = new long[targets];
    }

    @Override
    public List<Target> rank(List<Target> candidates) {
        Target chosen = pick(candidates);
        List<Target> ranked = new ArrayList<>(candidates.size());
        ranked.add(chosen);
        candidates.stream().filter(t -> t != chosen).sorted(Comparator.comparingInt(Target::weight).reversed()).forEach(ranked::add);
        return ranked;
    }

    private synchronized Target pick(List<Target> candidates) {
        long total = 0;
        Target best = null;
        for (Target t : candidates) {
            current[t.index()] += t.weight();
            total += t.weight();
            if (best == null || current[t.index()] > current[best.index()]) {
                best = t;
            }
        }
        current[best.index()] -= total;
        return best;
    }
}
