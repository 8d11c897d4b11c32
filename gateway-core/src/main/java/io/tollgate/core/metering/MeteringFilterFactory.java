package io.tollgate.core.metering;

import io.micrometer.core.instrument.Counter;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.filter.FilterFactory;
import io.tollgate.core.filter.FilterOrder;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.filter.GatewayFilter;
import java.util.concurrent.ConcurrentHashMap;

/** {@code metering}: prices every answer with this config's price table. */
public final class MeteringFilterFactory implements FilterFactory {


    @Override
    public String type() {
        return "metering";
    }

    @Override
    public int order() {
        return FilterOrder.METERING;
    }

    @Override
    public GatewayFilter create(GatewayConfig config, FilterServices services) {
        CostEstimates.install(config, services);
        MeterCache cache = services.shared(MeterCache.class, MeterCache::new);
        return new MeteringFilter(PriceTable.of(config), services.meterRegistry(), cache);
    }

    /** Process-wide counter cache, keyed by label values. */
    static final class MeterCache extends ConcurrentHashMap<MeteringFilter.CounterKey, Counter> {}
}
