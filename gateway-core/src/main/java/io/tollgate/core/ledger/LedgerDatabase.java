package io.tollgate.core.ledger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tollgate.core.config.ConfigException;
import io.tollgate.core.config.ConfigProblem;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.StateConfig;
import io.tollgate.core.filter.FilterServices;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;
import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

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
    static final String SCHEMA_VERSION = "4";

    /** The process-wide database for {@code config.state().ledger()}. Blocks while it opens and migrates (startup). */
    public static LedgerDatabase shared(FilterServices services, GatewayConfig config) {
        return services.shared(LedgerDatabase.class, () -> open(config.state().ledger()));
    }

    /**
     * Where {@code state.ledger} points, parsed without touching it: the JDBC URL to open and, for SQLite, the
     * file whose folder is created on open (null for {@code :memory:}).
     */
    record Location(String jdbcUrl, boolean sqlite, @Nullable Path file) {

        /** Parses {@code location}; a malformed one is a {@code state.ledger} config error. Opens nothing. */
        static Location parse(String location) {
            if (location.startsWith("sqlite:") || location.startsWith("jdbc:sqlite:")) {
                String path = location.substring(location.startsWith("sqlite:") ? "sqlite:".length() : "jdbc:sqlite:".length());
                int q = path.indexOf('?');
                String file = q < 0 ? path : path.substring(0, q);
                if (file.isBlank()) {
                    throw new ConfigException("state.ledger", "'" + location + "' names no file (expected: sqlite:data/gateway.db, or sqlite::memory: for a ledger lost on exit)");
                }
                Path dbFile;
                try {
                    dbFile = file.equals(":memory:") ? null : Path.of(file);
                } catch (InvalidPathException e) {
                    throw new ConfigException("state.ledger", "'" + location + "' is not a valid file path (" + e.getReason() + ")");
                }
                // WAL: readers (spend report) never block the flusher; busy_timeout waits out a concurrent writer.
                return new Location("jdbc:sqlite:" + file + "?journal_mode=WAL&synchronous=NORMAL&busy_timeout=5000", true, dbFile);
            }
            if (location.startsWith("jdbc:postgresql:")) {
                // the driver's own parser, the one it connects with: host, port, database and options, no connection
                if (Driver.parseURL(location, null) == null) {
                    throw new ConfigException("state.ledger", redact(location), "a valid PostgreSQL JDBC URL such as jdbc:postgresql://host:5432/tollgate");
                }
                return new Location(location, false, null);
            }
            throw new ConfigException("state.ledger", redact(location), "sqlite:<path> or jdbc:postgresql://...");
        }
    }

    /** The problem with {@code state.ledger}, if any, found without opening the database. */
    public static List<ConfigProblem> check(StateConfig state) {
        return ConfigProblem.thrownBy(() -> Location.parse(state.ledger()));
    }

    /** Opens and migrates {@code location}: {@code sqlite:<path>}, {@code jdbc:sqlite:...} or {@code jdbc:postgresql://...}. */
    public static LedgerDatabase open(String location) {
        Location where = Location.parse(location);
        if (where.file() != null) {
            createParentDirs(where.file());
        }
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("tollgate-ledger");
        hc.setJdbcUrl(where.jdbcUrl());
        hc.setMaximumPoolSize(4);
        hc.setMinimumIdle(1);
        if (where.sqlite()) {
            // sqlite-jdbc already serialises each connection's calls (its native methods are synchronized) and the pool
            // lends a connection to one thread at a time, so SQLite's own lock around every call is redundant: it was
            // ~9 % of the ledger writer's time (a lock and an unlock per bind; LedgerBenchmark, docs/benchmarks-history.md, session 24)
            SQLiteConfig sqlite = new SQLiteConfig();   // READWRITE | CREATE, the driver's default
            sqlite.setOpenMode(SQLiteOpenMode.NOMUTEX);
            // only the open flags: toProperties() would also pass defaults that override the URL's pragmas (busy_timeout)
            hc.addDataSourceProperty(SQLiteConfig.Pragma.OPEN_MODE.getPragmaName(), Integer.toString(sqlite.getOpenModeFlags()));
        }
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
        return new LedgerDatabase(ds, where.sqlite());
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

    private static void createParentDirs(Path file) {
        Path parent = file.toAbsolutePath().getParent();
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
