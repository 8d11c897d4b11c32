package io.tollgate.core.ratelimit;

import io.lettuce.core.ScriptOutputType;
import io.tollgate.core.state.RedisState;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Buckets in Redis, one hash per bucket ({@code tokens}, {@code ts}), updated by one Lua script so
 * check-and-take is atomic across replicas. Time comes from Redis ({@code TIME}) so replicas with
 * skewed clocks agree. Idle buckets expire after two minutes (by then they are full anyway).
 */
public final class RedisLimiterStore implements LimiterStore {

    // KEYS[1] bucket; ARGV: perMinute, amount, mode (0 = try, 1 = adjust). Returns {allowed, remaining, microsToWait}.
    static final String SCRIPT = """
            local cap = tonumber(ARGV[1])
            local amount = tonumber(ARGV[2])
            local force = ARGV[3] == '1'
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local rate = cap / 60000000
            local v = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
            local tokens = tonumber(v[1]) or cap
            local ts = tonumber(v[2]) or now
            tokens = math.min(cap, tokens + math.max(0, now - ts) * rate)
            local allowed = 0
            local wait = 0
            if force then
              tokens = math.min(cap, tokens - amount)
              allowed = 1
            elseif tokens >= amount then
              tokens = tokens - amount
              allowed = 1
            else
              wait = math.ceil((amount - tokens) / rate)
            end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
            redis.call('PEXPIRE', KEYS[1], 120000)
            return {allowed, math.floor(tokens), wait}
            """;

    private final RedisState redis;
    private final String prefix;

    /** {@code prefix} namespaces the keys ({@code tollgate:rl:} in production, unique per test). */
    public RedisLimiterStore(RedisState redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    @Override
    public CompletionStage<Probe> tryConsume(String bucket, long perMinute, long amount) {
        return redis.<List<Long>>eval(SCRIPT, ScriptOutputType.MULTI, List.of(prefix + bucket),
                        Long.toString(perMinute), Long.toString(Math.min(amount, perMinute)), "0")
                .thenApply(r -> new Probe(r.get(0) == 1L, Math.max(0, r.get(1)), r.get(2) * 1000L));
    }

    @Override
    public CompletionStage<Void> adjust(String bucket, long perMinute, long delta) {
        if (delta == 0) {
            return CompletableFuture.completedFuture(null);
        }
        return redis.<List<Long>>eval(SCRIPT, ScriptOutputType.MULTI, List.of(prefix + bucket),
                Long.toString(perMinute), Long.toString(delta), "1").thenApply(r -> null);
    }
}
