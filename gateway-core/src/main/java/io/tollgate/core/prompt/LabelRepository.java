package io.tollgate.core.prompt;

import io.tollgate.core.ledger.LedgerDatabase;
import io.tollgate.core.prompt.LabelOverrides.AuditEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Label overrides and their audit trail in the ledger database ({@code prompt_labels}, {@code prompt_label_moves}),
 * where every replica on that database reads them. Blocking JDBC: call on the blocking executor.
 */
final class LabelRepository {

    /** The audit entries {@link #audit} returns at most, the latest ones. */
    static final int MAX_AUDIT = 1000;

    private final LedgerDatabase db;

    LabelRepository(LedgerDatabase db) {
        this.db = db;
    }

    /** Every override: prompt id -> label -> version (immutable). */
    Map<String, Map<String, Integer>> overrides() throws SQLException {
        Map<String, Map<String, Integer>> out = new HashMap<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT prompt, label, version FROM prompt_labels");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getString(1), p -> new HashMap<>()).put(rs.getString(2), rs.getInt(3));
            }
        }
        return LabelOverrides.frozen(out);
    }

    /** The latest {@link #MAX_AUDIT} moves of {@code prompt}, oldest first. */
    List<AuditEntry> audit(String prompt) throws SQLException {
        List<AuditEntry> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT at_ms, who, prompt, label, from_version, to_version FROM prompt_label_moves"
                     + " WHERE prompt = ? ORDER BY seq DESC LIMIT " + MAX_AUDIT)) {
            ps.setString(1, prompt);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new AuditEntry(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2), rs.getString(3), rs.getString(4),
                            integer(rs, 5), integer(rs, 6)));
                }
            }
        }
        Collections.reverse(out);
        return out;
    }

    /** True when no label was ever moved on this database (the one time a legacy labels file is imported). */
    boolean isEmpty() throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM prompt_label_moves UNION ALL SELECT 1 FROM prompt_labels LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            return !rs.next();
        }
    }

    /** Records {@code moves} in order, each setting its label ({@code to} null: deleting the override), in one transaction. */
    void apply(List<AuditEntry> moves) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                for (AuditEntry move : moves) {
                    write(c, move);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static void write(Connection c, AuditEntry move) throws SQLException {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM prompt_labels WHERE prompt = ? AND label = ?")) {
            del.setString(1, move.prompt());
            del.setString(2, move.label());
            del.executeUpdate();
        }
        if (move.to() != null) {
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO prompt_labels (prompt, label, version, updated_ms) VALUES (?, ?, ?, ?)")) {
                ins.setString(1, move.prompt());
                ins.setString(2, move.label());
                ins.setInt(3, move.to());
                ins.setLong(4, move.at().toEpochMilli());
                ins.executeUpdate();
            }
        }
        try (PreparedStatement audit = c.prepareStatement("INSERT INTO prompt_label_moves (seq, at_ms, who, prompt, label, from_version, to_version)"
                + " SELECT COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ?, ? FROM prompt_label_moves")) {
            audit.setLong(1, move.at().toEpochMilli());
            audit.setString(2, move.who());
            audit.setString(3, move.prompt());
            audit.setString(4, move.label());
            setInteger(audit, 5, move.from());
            setInteger(audit, 6, move.to());
            audit.executeUpdate();
        }
    }

    private static @Nullable Integer integer(ResultSet rs, int column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    private static void setInteger(PreparedStatement ps, int i, @Nullable Integer v) throws SQLException {
        if (v == null) ps.setNull(i, Types.INTEGER); else ps.setInt(i, v);
    }
}
