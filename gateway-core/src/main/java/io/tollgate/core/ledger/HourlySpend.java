package io.tollgate.core.ledger;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The ledger's hourly rollup ({@code gateway_spend_hourly}): spend per hour, key, team, user, alias and
 * upstream model. The writer adds each batch of rows to it in the batch's own transaction, so rows and
 * rollup never disagree; budgets and spend reports read whole hours from here instead of every row.
 */
final class HourlySpend {

    static final long HOUR_MS = 3_600_000L;

    static final String UPSERT = "INSERT INTO gateway_spend_hourly (hour_ms, key_id, team, user_id, alias, upstream_model, requests,"
            + " input_tokens, output_tokens, cache_read_tokens, cost_usd, cost_saved_usd) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
            + " ON CONFLICT (hour_ms, key_id, team, user_id, alias, upstream_model) DO UPDATE SET"
            + " requests = gateway_spend_hourly.requests + excluded.requests,"
            + " input_tokens = gateway_spend_hourly.input_tokens + excluded.input_tokens,"
            + " output_tokens = gateway_spend_hourly.output_tokens + excluded.output_tokens,"
            + " cache_read_tokens = gateway_spend_hourly.cache_read_tokens + excluded.cache_read_tokens,"
            + " cost_usd = gateway_spend_hourly.cost_usd + excluded.cost_usd,"
            + " cost_saved_usd = gateway_spend_hourly.cost_saved_usd + excluded.cost_saved_usd";

    /** One rollup row's identity; "none" (no team, no user) is stored as {@code ""}. */
    private record Group(long hourMs, String keyId, String team, String user, String alias, String model) {
        // Replicas sharing PostgreSQL upsert in one order, so two flushes cannot deadlock on each other's rows.
        static final Comparator<Group> ORDER = Comparator.comparingLong(Group::hourMs).thenComparing(Group::keyId)
                .thenComparing(Group::team).thenComparing(Group::user).thenComparing(Group::alias).thenComparing(Group::model);

        static Group of(LedgerRow r) {
            return new Group(hourOf(r.time().toEpochMilli()), r.keyId(), orNone(r.team()), orNone(r.user()), r.alias(), r.upstreamModel());
        }
    }

    private static final class Sums {
        long requests;
        long inputTokens;
        long outputTokens;
        long cacheReadTokens;
        double costUsd;
        double costSavedUsd;

        void add(LedgerRow r) {
            requests++;
            inputTokens += r.usage().inputTokens();
            outputTokens += r.usage().outputTokens();
            cacheReadTokens += r.usage().cacheReadTokens();
            costUsd += r.costUsd();
            costSavedUsd += r.costSavedUsd();
        }
    }

    private HourlySpend() {
    }

    /**
     * Adds {@code rows} to the rollup through {@code upsert} ({@link #UPSERT} prepared on the caller's
     * connection, in its transaction): one upsert per group, not per row. The groups are summed in a hash
     * map and sorted once, instead of each row walking a tree of six-field comparisons.
     */
    static void add(PreparedStatement upsert, List<LedgerRow> rows) throws SQLException {
        Map<Group, Sums> sums = new HashMap<>();
        for (LedgerRow r : rows) {
            sums.computeIfAbsent(Group.of(r), g -> new Sums()).add(r);
        }
        List<Group> groups = new ArrayList<>(sums.keySet());
        groups.sort(Group.ORDER);
        for (Group g : groups) {
            Sums s = sums.get(g);
            int i = 1;
            upsert.setLong(i++, g.hourMs());
            upsert.setString(i++, g.keyId());
            upsert.setString(i++, g.team());
            upsert.setString(i++, g.user());
            upsert.setString(i++, g.alias());
            upsert.setString(i++, g.model());
            upsert.setLong(i++, s.requests);
            upsert.setLong(i++, s.inputTokens);
            upsert.setLong(i++, s.outputTokens);
            upsert.setLong(i++, s.cacheReadTokens);
            upsert.setDouble(i++, s.costUsd);
            upsert.setDouble(i, s.costSavedUsd);
            upsert.addBatch();
        }
        upsert.executeBatch();
    }

    static long hourOf(long epochMs) {
        return Math.floorDiv(epochMs, HOUR_MS) * HOUR_MS;
    }

    static long hourAtOrAfter(long epochMs) {
        return Math.ceilDiv(epochMs, HOUR_MS) * HOUR_MS;
    }

    static String orNone(@Nullable String id) {
        return id == null ? "" : id;
    }
}
