package io.tollgate.core.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code routing: lowest-cost}: the cheapest target first (by {@link PriceLookup}), ties in config
 * order; unknown prices last. Health is the router's job: an open or cooling target is not a candidate.
 */
public final class LowestCostStrategy implements RoutingStrategy {

    private final PriceLookup prices;

    public LowestCostStrategy(PriceLookup prices) {
        this.prices = prices;
    }

    @Override
    public List<Target> rank(List<Target> candidates) {
        List<Target> ranked = new ArrayList<>(candidates);
        ranked.sort(Comparator.comparingDouble(this::price));   // stable: ties keep config order
        return ranked;
    }

    private double price(Target t) {
        double p = prices.pricePerMillion(t.provider(), t.model());
        return Double.isNaN(p) ? Double.POSITIVE_INFINITY : p;
    }
}
