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
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.admin.AdminResponse;
import io.tollgate.core.admin.AdminRoutes;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.Json;
import io.tollgate.core.state.RedisState;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Type {@code cache}: the exact response cache, only when {@code cache.enabled}. The backend lives in
 * {@code services.shared}, so entries survive reloads; a reload may change TTL, scope and bounds.
 */
public final class CacheFilterFactory implements FilterFactory {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CacheFilterFactory.class);
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
            long heap = Runtime.getRuntime().maxMemory();
            if (c.maxBytes().bytes() > heap / 2) {
                log.warn("cache.max-bytes ({} MB) is more than half of the JVM heap ({} MB): raise -Xmx (JAVA_OPTS) or lower cache.max-bytes",
                        c.maxBytes().bytes() >> 20, heap >> 20);
            }
            cache = memory;
        }
        CacheFilter.Meters meters = new CacheFilter.Meters(lookups(registry, "hit"), lookups(registry, "miss"), lookups(registry, "bypass"),
                Counter.builder("gateway.cache.saved.usd").description("Upstream cost avoided by cache hits").register(registry));
        registerAdmin(services, c, cache, meters);
        return new CacheFilter(c, cache, meters);
    }

    /** {@code GET /admin/cache}: backend and counts; {@code DELETE /admin/cache}: purge (memory backend). */
    private static void registerAdmin(FilterServices services, CacheConfig c, ResponseCache cache, CacheFilter.Meters meters) {
        AdminRoutes routes = services.shared(AdminRoutes.class, AdminRoutes::new);
        routes.add("GET", "/admin/cache", r -> {
            ObjectNode o = Json.object().put("backend", c.backend().name().toLowerCase(java.util.Locale.ROOT))
                    .put("scope", c.scope().name().toLowerCase(java.util.Locale.ROOT)).put("ttl_seconds", c.ttl().toSeconds())
                    .put("hits", (long) meters.hit().count()).put("misses", (long) meters.miss().count())
                    .put("bypasses", (long) meters.bypass().count()).put("saved_usd", meters.savedUsd().count());
            if (cache.entries() >= 0) {
                o.put("entries", cache.entries()).put("bytes", cache.bytes());
            }
            return CompletableFuture.completedFuture(AdminResponse.ok(o));
        });
        routes.add("DELETE", "/admin/cache", r -> CompletableFuture.completedFuture(cache instanceof MemoryResponseCache m
                ? AdminResponse.ok(Json.object().put("purged", m.clear()))
                : AdminResponse.error(GatewayError.invalidRequest("Purging is only supported for the memory backend; "
                        + "with Redis, delete the keys under " + REDIS_PREFIX + " or let them expire.", null))));
    }

    private static Counter lookups(MeterRegistry registry, String result) {
        return Counter.builder("gateway.cache.lookups").tag("result", result).description("Response cache lookups").register(registry);
    }
}
