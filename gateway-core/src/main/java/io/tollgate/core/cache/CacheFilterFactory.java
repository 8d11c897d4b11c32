package io.tollgate.core.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.core.config.CacheConfig;
import io.tollgate.core.config.ConfigException;
import io.tollgate.core.config.ConfigProblem;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.SemanticCacheConfig;
import io.tollgate.core.config.SemanticIndexConfig;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Type {@code cache}: the response cache, only when {@code cache.enabled}; semantic lookups for the
 * aliases with {@code models.<alias>.cache.semantic}. The backend and the semantic index live in
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

    /** The redis backend's Redis: {@code state.redis} must name one. */
    @Override
    public List<ConfigProblem> check(GatewayConfig config) {
        CacheConfig c = config.cache();
        return c.enabled() && c.backend() == CacheConfig.Backend.REDIS ? ConfigProblem.thrownBy(() -> redisUrl(config)) : List.of();
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
            String url = redisUrl(config);
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
        CacheFilter.Meters meters = new CacheFilter.Meters(lookups(registry, "hit"), lookups(registry, "semantic_hit"),
                lookups(registry, "miss"), lookups(registry, "bypass"),
                Counter.builder("gateway.cache.saved.usd").description("Upstream cost avoided by cache hits").register(registry));
        SemanticIndex index = semanticIndex(c.semantic(), services);
        SemanticCache semantic = semanticCache(config, index, services);
        registerAdmin(services, c, cache, meters, index);
        return new CacheFilter(c, cache, meters, semantic);
    }

    /** {@code state.redis}, which the redis backend cannot do without; parsed, never connected to. */
    private static String redisUrl(GatewayConfig config) {
        String url = config.state().redis();
        if (url.isBlank()) {
            throw new ConfigException("cache.backend", "redis needs state.redis (a redis:// URL)");
        }
        RedisState.uri(url);
        return url;
    }

    /** The aliases that opted in with their settings, or null when none did. */
    private static @Nullable SemanticCache semanticCache(GatewayConfig config, SemanticIndex index, FilterServices services) {
        Map<String, SemanticCacheConfig> aliases = new LinkedHashMap<>();
        config.models().forEach((alias, m) -> {
            if (m.cache().semantic() != null) {
                aliases.put(alias, m.cache().semantic());
            }
        });
        if (aliases.isEmpty()) {
            return null;
        }
        MeterRegistry registry = services.meterRegistry();
        SemanticCache.Meters meters = new SemanticCache.Meters(
                semanticErrors(registry, "timeout"), semanticErrors(registry, "error"),
                DistributionSummary.builder("gateway.cache.semantic.similarity")
                        .description("Best cosine similarity found by each semantic lookup that had candidates")
                        .serviceLevelObjectives(SIMILARITY_BUCKETS).register(registry));
        // long scans are CPU work, not blocking, but must stay off the event loop all the same
        return new SemanticCache(aliases, index, services.gatewayClient(), meters, services.blockingExecutor());
    }

    /** The process's vector index (it survives reloads; a reload may change its bounds). */
    private static SemanticIndex semanticIndex(SemanticIndexConfig c, FilterServices services) {
        MeterRegistry registry = services.meterRegistry();
        SemanticIndex index = services.shared(SemanticIndex.class, () -> {
            SemanticIndex i = new SemanticIndex(c.maxBytes().bytes(), c.maxEntries(), c.maxEntriesPerContext(), services.ticker());
            Gauge.builder("gateway.cache.semantic.entries", i, SemanticIndex::entries).description("Questions held by the semantic cache's index").register(registry);
            Gauge.builder("gateway.cache.semantic.bytes", i, SemanticIndex::bytes).description("Bytes held by the semantic cache's index").register(registry);
            return i;
        });
        index.resize(c.maxBytes().bytes(), c.maxEntries(), c.maxEntriesPerContext());
        return index;
    }

    /** {@code GET /admin/cache}: backend and counts; {@code DELETE /admin/cache}: purge (memory backend). */
    private static void registerAdmin(FilterServices services, CacheConfig c, ResponseCache cache, CacheFilter.Meters meters, SemanticIndex index) {
        AdminRoutes routes = services.shared(AdminRoutes.class, AdminRoutes::new);
        routes.add("GET", "/admin/cache", r -> {
            ObjectNode o = Json.object().put("backend", c.backend().name().toLowerCase(java.util.Locale.ROOT))
                    .put("scope", c.scope().name().toLowerCase(java.util.Locale.ROOT)).put("ttl_seconds", c.ttl().toSeconds())
                    .put("hits", (long) meters.hit().count()).put("semantic_hits", (long) meters.semanticHit().count())
                    .put("misses", (long) meters.miss().count())
                    .put("bypasses", (long) meters.bypass().count()).put("saved_usd", meters.savedUsd().count());
            if (cache.entries() >= 0) {
                o.put("entries", cache.entries()).put("bytes", cache.bytes());
            }
            o.put("semantic_entries", index.entries()).put("semantic_bytes", index.bytes());
            return CompletableFuture.completedFuture(AdminResponse.ok(o));
        });
        routes.add("DELETE", "/admin/cache", r -> CompletableFuture.completedFuture(cache instanceof MemoryResponseCache m
                ? AdminResponse.ok(Json.object().put("purged", m.clear()).put("semantic_purged", index.clear()))
                : AdminResponse.error(GatewayError.invalidRequest("Purging is only supported for the memory backend; "
                        + "with Redis, delete the keys under " + REDIS_PREFIX + " or let them expire.", null))));
    }

    /** Similarity buckets for calibrating thresholds: coarse below 0.8, fine where thresholds are set. */
    private static final double[] SIMILARITY_BUCKETS = {0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.88, 0.9, 0.92, 0.94, 0.96, 0.98, 0.99, 1.0};

    private static Counter semanticErrors(MeterRegistry registry, String reason) {
        return Counter.builder("gateway.cache.semantic.errors").tag("reason", reason)
                .description("Semantic lookups served as a miss because the embedding failed").register(registry);
    }

    private static Counter lookups(MeterRegistry registry, String result) {
        return Counter.builder("gateway.cache.lookups").tag("result", result).description("Response cache lookups").register(registry);
    }
}
