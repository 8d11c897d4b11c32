package io.tollgate.core.ledger;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tollgate.core.model.Json;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads spend back from the ledger. Every method here blocks on JDBC: call it from the blocking executor,
 * never on an event loop.
 *
 * <p>For budgets: {@link #spendSince(Scope, Instant)} sums {@code cost_usd} per key, team or user from a
 * period start, e.g. to rebuild in-memory budget counters at startup. Sums read whole hours from the hourly
 * rollup ({@link HourlySpend}) and only the partial hours at a range's edges from the rows. Rows still in the
 * writer's queue are not in the database yet; call {@link LedgerWriter#flush()} first when that matters.
 */
public final class SpendReader implements io.tollgate.core.budget.SpendSource {

    /** A budget scope and its ledger column. */
    public enum Scope {
        KEY("key_id"), TEAM("team"), USER("user_id");

        final String column;

        Scope(String column) {
            this.column = column;
        }
    }

    /** One line of the spend report. */
    public record SpendLine(String group, long requests, long inputTokens, long outputTokens, long cacheReadTokens,
                            double costUsd, double costSavedUsd) {}

    private static final TypeReference<Map<String, String>> TAGS = new TypeReference<>() {};
    private static final String NONE = "(none)";

    private final LedgerDatabase db;

    public SpendReader(LedgerDatabase db) {
        this.db = db;
    }

    /** USD spent per id of {@code scope} since {@code from}; ids with no spend are absent; no id (no team, no user) skipped. */
    public Map<String, Double> spendSince(Scope scope, Instant from) {
        Map<String, Double> out = new HashMap<>();
        for (SpendLine line : sums(scope.column, from.toEpochMilli(), Long.MAX_VALUE)) {
            if (!line.group().isEmpty()) {
                out.put(line.group(), line.costUsd());
            }
        }
        return out;
    }

    /** {@link io.tollgate.core.budget.SpendSource}: what budgets rebuild their windows from at start. */
    @Override
    public Map<String, Double> spentSince(io.tollgate.core.budget.BudgetScope scope, Instant since) {
        return spendSince(switch (scope) {
            case KEY -> Scope.KEY;
            case TEAM -> Scope.TEAM;
            case USER -> Scope.USER;
        }, since);
    }

    /** Registers the ledger as the budgets' {@link io.tollgate.core.budget.SpendSource} (first call wins). */
    public static void install(io.tollgate.core.config.GatewayConfig config, io.tollgate.core.filter.FilterServices services) {
        LedgerDatabase db = LedgerDatabase.shared(services, config);
        services.shared(io.tollgate.core.budget.SpendSource.class, () -> new SpendReader(db));
    }

    /**
     * Spend in {@code [from, to)} grouped by {@code key|team|user|alias|model|tag:<name>}, most expensive first.
     * Rows without the dimension (no team, no such tag) are grouped under {@code "(none)"}.
     */
    public List<SpendLine> report(String groupBy, Instant from, Instant to) {
        String column = switch (groupBy) {
            case "key" -> "key_id";
            case "team" -> "team";
            case "user" -> "user_id";
            case "alias" -> "alias";
            case "model" -> "upstream_model";
            default -> {
                if (groupBy.startsWith("tag:") && groupBy.length() > 4) yield null;
                throw new IllegalArgumentException(groupBy);
            }
        };
        List<SpendLine> lines = new ArrayList<>();
        if (column != null) {
            for (SpendLine l : sums(column, from.toEpochMilli(), to.toEpochMilli())) {
                lines.add(l.group().isEmpty() ? new SpendLine(NONE, l.requests(), l.inputTokens(), l.outputTokens(),
                        l.cacheReadTokens(), l.costUsd(), l.costSavedUsd()) : l);
            }
        } else {
            lines.addAll(byTag(groupBy.substring(4), from, to));
        }
        lines.sort(Comparator.comparingDouble(SpendLine::costUsd).reversed().thenComparing(SpendLine::group));
        return lines;
    }

    /**
     * Totals per value of {@code column} (no value: {@code ""}) in {@code [from, to)} epoch ms: the whole hours
     * from the hourly rollup, the partial hours at either edge from the rows themselves (their time index).
     */
    private List<SpendLine> sums(String column, long from, long to) {
        long wholeFrom = HourlySpend.hourAtOrAfter(from);
        long wholeTo = HourlySpend.hourOf(to);
        if (wholeFrom >= wholeTo) {   // no whole hour inside: every row comes from the table
            wholeFrom = to;
            wholeTo = to;
        }
        String rows = "SELECT COALESCE(" + column + ", '') AS g, 1 AS n, input_tokens AS i, output_tokens AS o,"
                + " cache_read_tokens AS r, cost_usd AS c, cost_saved_usd AS s FROM gateway_requests WHERE ts_ms >= ? AND ts_ms < ?";
        String sql = "SELECT g, SUM(n), SUM(i), SUM(o), SUM(r), SUM(c), SUM(s) FROM ("
                + "SELECT " + column + " AS g, requests AS n, input_tokens AS i, output_tokens AS o, cache_read_tokens AS r,"
                + " cost_usd AS c, cost_saved_usd AS s FROM gateway_spend_hourly WHERE hour_ms >= ? AND hour_ms < ?"
                + " UNION ALL " + rows + " UNION ALL " + rows + ") spend GROUP BY g";
        List<SpendLine> lines = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            long[] bounds = {wholeFrom, wholeTo, from, wholeFrom, wholeTo, to};
            for (int i = 0; i < bounds.length; i++) {
                ps.setLong(i + 1, bounds[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lines.add(new SpendLine(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                            rs.getDouble(6), rs.getDouble(7)));
                }
            }
        } catch (SQLException e) {
            throw new LedgerException("reading spend per " + column, e);
        }
        return lines;
    }

    /** Tags are JSON, whose SQL functions differ between SQLite and PostgreSQL: rows are grouped here, one by one. */
    private List<SpendLine> byTag(String tag, Instant from, Instant to) {
        String sql = "SELECT tags, input_tokens, output_tokens, cache_read_tokens, cost_usd, cost_saved_usd FROM gateway_requests"
                + " WHERE ts_ms >= ? AND ts_ms < ?";
        Map<String, long[]> counts = new LinkedHashMap<>();
        Map<String, double[]> sums = new LinkedHashMap<>();
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, from.toEpochMilli());
            ps.setLong(2, to.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String group = tagValue(rs.getString(1), tag);
                    if (group == null) group = NONE;
                    long[] n = counts.computeIfAbsent(group, k -> new long[4]);
                    n[0]++;
                    n[1] += rs.getLong(2);
                    n[2] += rs.getLong(3);
                    n[3] += rs.getLong(4);
                    double[] d = sums.computeIfAbsent(group, k -> new double[2]);
                    d[0] += rs.getDouble(5);
                    d[1] += rs.getDouble(6);
                }
            }
        } catch (SQLException e) {
            throw new LedgerException("reading the spend report", e);
        }
        List<SpendLine> lines = new ArrayList<>();
        counts.forEach((g, n) -> {
            double[] d = sums.get(g);
            lines.add(new SpendLine(g, n[0], n[1], n[2], n[3], d[0], d[1]));
        });
        return lines;
    }

    private static String tagValue(String json, String tag) {
        try {
            return Json.MAPPER.readValue(json, TAGS).get(tag);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A ledger query failed. */
    public static final class LedgerException extends RuntimeException {
        public LedgerException(String what, SQLException cause) {
            super(what + " failed: " + cause.getMessage(), cause);
        }
    }
}
