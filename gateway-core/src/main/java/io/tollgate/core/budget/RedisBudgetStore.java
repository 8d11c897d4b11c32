package io.tollgate.core.budget;

import io.lettuce.core.ScriptOutputType;
import io.tollgate.core.state.RedisState;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Budget windows in Redis: one hash per window ({@code spent}, {@code reserved}) changed only by
 * Lua scripts, so the check-and-reserve is atomic across replicas. A window key expires a day after
 * its period ends. Amounts travel as strings to keep their fractions (Lua numbers returned to a
 * client are truncated to integers).
 */
public final class RedisBudgetStore implements BudgetStore {

    // KEYS[1] window; ARGV: limit, amount, expire-at (epoch s, 0 = never)
    private static final String RESERVE = """
            local v = redis.call('HMGET', KEYS[1], 'spent', 'reserved')
            local spent = tonumber(v[1]) or 0
            local reserved = tonumber(v[2]) or 0
            if spent + reserved >= tonumber(ARGV[1]) then
              return {0, tostring(spent), tostring(reserved)}
            end
            redis.call('HINCRBYFLOAT', KEYS[1], 'reserved', ARGV[2])
            if tonumber(ARGV[3]) > 0 then redis.call('EXPIREAT', KEYS[1], ARGV[3]) end
            return {1, tostring(spent), tostring(reserved)}
            """;

    // ARGV: reserved to release, actual to add, expire-at
    private static final String SETTLE = """
            local reserved = tonumber(redis.call('HINCRBYFLOAT', KEYS[1], 'reserved', -tonumber(ARGV[1])))
            if reserved < 0.000000001 then
              reserved = 0
              redis.call('HSET', KEYS[1], 'reserved', '0')
            end
            local spent = redis.call('HINCRBYFLOAT', KEYS[1], 'spent', ARGV[2])
            if tonumber(ARGV[3]) > 0 then redis.call('EXPIREAT', KEYS[1], ARGV[3]) end
            return {tostring(spent), tostring(reserved)}
            """;

    private static final String TOTALS = """
            local v = redis.call('HMGET', KEYS[1], 'spent', 'reserved')
            return {tostring(tonumber(v[1]) or 0), tostring(tonumber(v[2]) or 0)}
            """;

    private static final String RESET = """
            redis.call('HSET', KEYS[1], 'spent', '0')
            for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
              if string.sub(f, 1, 6) == 'alert:' then redis.call('HDEL', KEYS[1], f) end
            end
            if tonumber(ARGV[1]) > 0 then redis.call('EXPIREAT', KEYS[1], ARGV[1]) end
            local r = redis.call('HGET', KEYS[1], 'reserved')
            return {'0', tostring(tonumber(r) or 0)}
            """;

    // ARGV: threshold, expire-at. 1 for the first replica to claim it in this window.
    private static final String CLAIM_ALERT = """
            local first = redis.call('HSETNX', KEYS[1], 'alert:' .. ARGV[1], '1')
            if tonumber(ARGV[2]) > 0 then redis.call('EXPIREAT', KEYS[1], ARGV[2]) end
            return first
            """;

    // Only when no replica has the window yet: Redis is the shared truth, the ledger a fallback.
    private static final String SEED = """
            redis.call('HSETNX', KEYS[1], 'spent', ARGV[1])
            if tonumber(ARGV[2]) > 0 then redis.call('EXPIREAT', KEYS[1], ARGV[2]) end
            return {}
            """;

    private final RedisState redis;
    private final String prefix;

    public RedisBudgetStore(RedisState redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    private List<String> key(BudgetWindow w) {
        return List.of(prefix + w.key());
    }

    private static String expireAt(BudgetWindow w) {
        return w.end() == null ? "0" : Long.toString(w.end().getEpochSecond() + 86_400);
    }

    @Override
    public CompletionStage<Reservation> reserve(BudgetWindow w, double limit, double amount) {
        return redis.<List<Object>>eval(RESERVE, ScriptOutputType.MULTI, key(w), Double.toString(limit), Double.toString(amount), expireAt(w))
                .thenApply(r -> new Reservation(((Long) r.get(0)) == 1L, num(r.get(1)), num(r.get(2))));
    }

    @Override
    public CompletionStage<Totals> settle(BudgetWindow w, double reserved, double actual) {
        return totals(redis.eval(SETTLE, ScriptOutputType.MULTI, key(w), Double.toString(reserved), Double.toString(actual), expireAt(w)));
    }

    @Override
    public CompletionStage<Totals> totals(BudgetWindow w) {
        return totals(redis.eval(TOTALS, ScriptOutputType.MULTI, key(w)));
    }

    @Override
    public CompletionStage<Totals> reset(BudgetWindow w) {
        return totals(redis.eval(RESET, ScriptOutputType.MULTI, key(w), expireAt(w)));
    }

    @Override
    public CompletionStage<Void> seed(BudgetWindow w, double spent) {
        return redis.<List<Object>>eval(SEED, ScriptOutputType.MULTI, key(w), Double.toString(spent), expireAt(w)).thenApply(r -> null);
    }

    @Override
    public CompletionStage<Boolean> claimAlert(BudgetWindow w, double threshold) {
        return redis.<Long>eval(CLAIM_ALERT, ScriptOutputType.INTEGER, key(w), Double.toString(threshold), expireAt(w))
                .thenApply(r -> r == 1L);
    }

    private static CompletionStage<Totals> totals(CompletionStage<List<Object>> stage) {
        return stage.thenApply(r -> new Totals(num(r.get(0)), num(r.get(1))));
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.parseDouble(o.toString());
    }
}
