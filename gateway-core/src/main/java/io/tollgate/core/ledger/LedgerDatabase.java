package io.tollgate.core.ledger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.filter.FilterServices;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's database: SQLite ({@code sqlite:<path>}, WAL mode, parent directories created) by default,
 * PostgreSQL ({@code jdbc:postgresql://...}) for several replicas. Migrated by Flyway on open
 * ({@code db/migration/tollgate}), pooled by HikariCP. Shared by the ledger and the key store; opened once per
 * process ({@link #shared}), so changing {@code state.ledger} needs a restart.
 */
public final class LedgerDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LedgerDatabase.class);

    private final HikariDataSource dataSource;
    private final boolean sqlite;

    private LedgerDatabase(HikariDataSource dataSource, boolean sqlite) {
        this.dataSource = dataSource;
        this.sqlite = sqlite;
    }

    static final String MIGRATIONS = "classpath:db/migration/tollgate";
    static final String HISTORY_TABLE = "tollgate_schema_history";
    /** The version of the newest file in {@link #MIGRATIONS} (a test keeps the two in step). */
    static final String SCHEMA_VERSION = "3";

    /** The process-wide database for {@code config.state().ledger()}. Blocks while it opens and migrates (startup). */
    public static LedgerDatabase shared(FilterServices services, GatewayConfig config) {
        return services.shared(LedgerDatabase.class, () -> open(config.state().ledger()));
    }

    /** Opens and migrates {@code location}: {@code sqlite:<path>}, {@code jdbc:sqlite:...} or {@code jdbc:postgresql://...}. */
    public static LedgerDatabase open(String location) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("tollgate-ledger");
        boolean sqlite;
        if (location.startsWith("sqlite:") || location.startsWith("jdbc:sqlite:")) {
            String path = location.startsWith("sqlite:") ? location.substring("sqlite:".length()) : location.substring("jdbc:sqlite:".length());
            int q = path.indexOf('?');
            String file = q < 0 ? path : path.substring(0, q);
            createParentDirs(file);
            // WAL: readers (spend report) never block the flusher; busy_timeout waits out a concurrent writer.
            hc.setJdbcUrl("jdbc:sqlite:" + file + "?journal_mode=WAL&synchronous=NORMAL&busy_timeout=5000");
            hc.setMaximumPoolSize(4);
            sqlite = true;
        } else if (location.startsWith("jdbc:postgresql:")) {
            hc.setJdbcUrl(location);
            hc.setMaximumPoolSize(4);
            sqlite = false;
        } else {
            throw new IllegalArgumentException("state.ledger: expected sqlite:<path> or jdbc:postgresql://..., got " + redact(location));
        }
        hc.setMinimumIdle(1);
        HikariDataSource ds = new HikariDataSource(hc);
        try {
            if (!schemaIsCurrent(ds)) {
                Flyway.configure().dataSource(ds).locations(MIGRATIONS).table(HISTORY_TABLE).load().migrate();
            }
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        log.info("Ledger database ready: {}", redact(location));
        return new LedgerDatabase(ds, sqlite);
    }

    /**
     * Whether Flyway already applied the newest migration. Flyway scans the whole (fat) jar for migrations
     * and validates each: half a second of every start. On a database that is up to date there is nothing
     * to do, so one query decides; a new jar with a new migration ({@link #SCHEMA_VERSION}) runs Flyway.
     */
    private static boolean schemaIsCurrent(DataSource ds) {
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT version FROM " + HISTORY_TABLE + " WHERE success ORDER BY installed_rank DESC LIMIT 1")) {
            return rs.next() && SCHEMA_VERSION.equals(rs.getString(1));
        } catch (SQLException e) {
            return false; // a new database: no history table yet
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public boolean isSqlite() {
        return sqlite;
    }

    @Override
    public void close() {
        dataSource.close();
    }

    private static void createParentDirs(String file) {
        if (file.isEmpty() || file.equals(":memory:")) {
            return;
        }
        Path parent = Path.of(file).toAbsolutePath().getParent();
        try {
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the ledger directory " + parent, e);
        }
    }

    /** A JDBC URL may carry a password: never log it. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("//([^:/@]+):[^@/]*@", "//$1:***@");
    }
}
