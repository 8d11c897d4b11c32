package io.tollgate.core.auth;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tollgate.core.config.BudgetConfig;
import io.tollgate.core.config.LimitsConfig;
import io.tollgate.core.ledger.LedgerDatabase;
import io.tollgate.core.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Admin-created keys in the ledger database ({@code gateway_keys}); hashes only. Blocking JDBC. */
final class KeyRepository {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
    private static final TypeReference<Map<String, String>> MAP = new TypeReference<>() {};
    private static final String COLUMNS = "id, key_sha256, team, models, metadata, rpm, tpm, budget_usd, budget_period, max_cost_usd,"
            + " expires_ms, revoked_ms, created_ms";

    private final LedgerDatabase db;

    KeyRepository(LedgerDatabase db) {
        this.db = db;
    }

    List<VirtualKey> loadAll() {
        return load("", -1);
    }

    /** The keys written at or after {@code sinceMs} (by any replica's clock). */
    List<VirtualKey> loadWrittenSince(long sinceMs) {
        return load(" WHERE updated_ms >= ?", sinceMs);
    }

    private List<VirtualKey> load(String where, long sinceMs) {
        List<VirtualKey> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM gateway_keys" + where)) {
            if (!where.isEmpty()) {
                ps.setLong(1, sinceMs);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("loading virtual keys failed: " + e.getMessage(), e);
        }
        return out;
    }

    void insert(VirtualKey k, Instant now) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO gateway_keys (" + COLUMNS + ", updated_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            int i = bindValues(ps, k, 1, true);
            ps.setLong(i++, k.created().toEpochMilli());
            ps.setLong(i, now.toEpochMilli());
            ps.executeUpdate();
        }
    }

    void update(VirtualKey k, Instant now) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE gateway_keys SET team=?, models=?, metadata=?, rpm=?, tpm=?, budget_usd=?,"
                     + " budget_period=?, max_cost_usd=?, expires_ms=?, revoked_ms=?, updated_ms=? WHERE id=?")) {
            int i = bindValues(ps, k, 1, false);
            ps.setLong(i++, now.toEpochMilli());
            ps.setString(i, k.id());
            ps.executeUpdate();
        }
    }

    private static int bindValues(PreparedStatement ps, VirtualKey k, int i, boolean withIdAndHash) throws SQLException {
        if (withIdAndHash) {
            ps.setString(i++, k.id());
            ps.setString(i++, HexFormat.of().formatHex(k.hashUnsafe()));
        }
        ps.setString(i++, k.team());
        ps.setString(i++, json(k.models()));
        ps.setString(i++, json(k.metadata()));
        setInt(ps, i++, k.limits().rpm());
        setInt(ps, i++, k.limits().tpm());
        if (k.budget() == null) {
            ps.setNull(i++, Types.DOUBLE);
            ps.setNull(i++, Types.VARCHAR);
        } else {
            ps.setDouble(i++, k.budget().usd());
            ps.setString(i++, k.budget().period().name());
        }
        if (k.maxCostUsd() == null) ps.setNull(i++, Types.DOUBLE); else ps.setDouble(i++, k.maxCostUsd());
        setInstant(ps, i++, k.expires());
        setInstant(ps, i++, k.revoked());
        return i;
    }

    private static VirtualKey read(ResultSet rs) throws SQLException {
        Integer rpm = rs.getObject("rpm") == null ? null : rs.getInt("rpm");
        Integer tpm = rs.getObject("tpm") == null ? null : rs.getInt("tpm");
        BudgetConfig budget = rs.getObject("budget_usd") == null ? null
                : new BudgetConfig(rs.getDouble("budget_usd"), BudgetConfig.Period.valueOf(rs.getString("budget_period")), null);
        Double maxCost = rs.getObject("max_cost_usd") == null ? null : rs.getDouble("max_cost_usd");
        return new VirtualKey(rs.getString("id"), KeyHash.fromHex(rs.getString("key_sha256")), VirtualKey.Source.API, rs.getString("team"),
                parse(rs.getString("models"), STRINGS), parse(rs.getString("metadata"), MAP), new LimitsConfig(rpm, tpm), budget,
                maxCost, instant(rs, "expires_ms"), instant(rs, "revoked_ms"), Instant.ofEpochMilli(rs.getLong("created_ms")));
    }

    private static @Nullable Instant instant(ResultSet rs, String col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private static void setInt(PreparedStatement ps, int i, @Nullable Integer v) throws SQLException {
        if (v == null) ps.setNull(i, Types.INTEGER); else ps.setInt(i, v);
    }

    private static void setInstant(PreparedStatement ps, int i, @Nullable Instant v) throws SQLException {
        if (v == null) ps.setNull(i, Types.BIGINT); else ps.setLong(i, v.toEpochMilli());
    }

    private static String json(Object o) {
        try {
            return Json.MAPPER.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T parse(String s, TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(s, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
