package io.tollgate.core.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.core.config.CacheConfig;
import io.tollgate.core.config.ConfigException;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.filter.FilterFactory;
import io.tollgate.core.filter.FilterOrder;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.filter.GatewayFilter;
import io.tollgate.core.state.RedisState;
import org.jspecify.annotations.Nullable;

/**
 * Type {@code cache}: the exact response cache, only when {@code cache.enabled}. The backend lives in
 * {@code services.shared}, so entries survive reloads; a reload may change TTL, scope and bounds.
 */
public final class CacheFilterFactory implements FilterFactory {

    static final String REDIS_PREFIX = "tollgate:cache:";

    @Override
    public String type() {
        return "cache";
    }

    @Override
    public int order() {
        return FilterOrder.CACHE;
    }

    @Override
    public @Nullable GatewayFilter create(GatewayConfig config, FilterServices services) {
        CacheConfig c = config.cache();
        if (!c.enabled()) {
            return null;
        }
        MeterRegistry registry = services.meterRegistry();
        ResponseCache cache;
        if (c.backend() == CacheConfig.Backend.REDIS) {
            String url = config.state().redis();
            if (url.isBlank()) {
                throw new ConfigException("cache.backend", "redis needs state.redis (a redis:// URL)");
            }
            // the one Redis connection the rate limits and budgets use too
            RedisState state = services.shared(RedisState.class, () -> new RedisState(url));
            cache = new RedisResponseCache(state, REDIS_PREFIX);
        } else {
            MemoryResponseCache memory = services.shared(MemoryResponseCache.class, () -> {
                MemoryResponseCache m = new MemoryResponseCache(c.maxBytes().bytes(), c.maxEntries(), services.ticker()::read);
                // once, with the instance that lives for the process
                Gauge.builder("gateway.cache.entries", m, MemoryResponseCache::entries).description("Entries in the memory response cache").register(registry);
                Gauge.builder("gateway.cache.bytes", m, MemoryResponseCache::bytes).description("Bytes held by the memory response cache").register(registry);
                return m;
            });
            memory.resize(c.maxBytes().bytes(), c.maxEntries());
            cache = memory;
        }
        CacheFilter.Meters meters = new CacheFilter.Meters(lookups(registry, "hit"), lookups(registry, "miss"), lookups(registry, "bypass"),
                Counter.builder("gateway.cache.saved.usd").description("Upstream cost avoided by cache hits").register(registry));
        return new CacheFilter(c, cache, meters);
    }

    private static Counter lookups(MeterRegistry registry, String result) {
        return Counter.builder("gateway.cache.lookups").tag("result", result).description("Response cache lookups").register(registry);
    }
}
