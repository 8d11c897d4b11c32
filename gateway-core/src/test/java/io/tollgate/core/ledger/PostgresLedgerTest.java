package io.tollgate.core.ledger;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * The ledger contract on the machine's PostgreSQL ({@code PG_URL}, default the local {@code test} database).
 * Each test gets its own schema, dropped afterwards. Unreachable PostgreSQL skips the tests locally and
 * FAILS them when {@code CI} is set.
 */
class PostgresLedgerTest extends LedgerContract {

    static final String BASE = System.getenv().getOrDefault("PG_URL", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    static final String RUN = "tg_ledger_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    static boolean reachable;
    String schema;

    @BeforeAll
    static void probe() throws SQLException {
        try (Connection c = DriverManager.getConnection(BASE)) {
            reachable = true;
        } catch (SQLException e) {
            if (System.getenv("CI") != null) {
                throw new SQLException("PostgreSQL at PG_URL is unreachable and CI is set: " + e.getMessage(), e);
            }
            reachable = false;
        }
    }

    @BeforeEach
    void createSchema(TestInfo info) throws SQLException {
        assumeTrue(reachable, "PostgreSQL unreachable (set CI to make this a failure)");
        schema = RUN + "_" + Math.abs(info.getDisplayName().hashCode());
        try (Connection c = DriverManager.getConnection(BASE); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
    }

    @Override
    String location() {
        return BASE + (BASE.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    @Override
    String jdbcUrl() {
        return location();
    }

    @org.junit.jupiter.api.AfterEach
    void dropSchema() throws SQLException {
        closeAll();
        writer = null;
        db = null;
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(BASE); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

}
