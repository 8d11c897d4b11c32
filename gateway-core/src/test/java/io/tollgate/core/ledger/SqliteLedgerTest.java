package io.tollgate.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.core.config.StateConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteLedgerTest extends LedgerContract {

    @TempDir
    Path dir;

    @Override
    String location() {
        return "sqlite:" + dir.resolve("nested/dir/gateway.db");
    }

    @Override
    String jdbcUrl() {
        try {
            Files.createDirectories(dir.resolve("nested/dir"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return "jdbc:sqlite:" + dir.resolve("nested/dir/gateway.db");
    }

    @Test
    void createsParentDirectoriesAndUsesWal() throws Exception {
        open(java.time.Duration.ofHours(1), 10);
        assertThat(Files.exists(dir.resolve("nested/dir/gateway.db"))).isTrue();
        // the connection settings (NOMUTEX, passed as properties) leave the location's own pragmas in force
        assertThat(pragma("journal_mode")).isEqualToIgnoringCase("wal");
        assertThat(pragma("synchronous")).isEqualTo("1");   // NORMAL
        assertThat(pragma("busy_timeout")).isEqualTo("5000");
    }

    private String pragma(String name) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void schemaVersionIsTheNewestMigration() throws Exception {
        // LedgerDatabase skips Flyway when the history already holds SCHEMA_VERSION: it must name the newest file
        Path migrations = Path.of(getClass().getResource("/db/migration/tollgate").toURI());
        int newest;
        try (var files = Files.list(migrations)) {
            newest = files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElseThrow();
        }
        assertThat(LedgerDatabase.SCHEMA_VERSION).isEqualTo(String.valueOf(newest));
    }

    @Test
    void reopensAnUpToDateDatabaseWithoutMigratingAgain() throws Exception {
        String location = location();
        try (LedgerDatabase first = LedgerDatabase.open(location); Connection c = first.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE marker (x INTEGER)");
        }
        try (LedgerDatabase again = LedgerDatabase.open(location); Connection c = again.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM tollgate_schema_history WHERE version = '" + LedgerDatabase.SCHEMA_VERSION + "'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
            s.executeQuery("SELECT count(*) FROM marker").close(); // same database, same tables
            s.executeQuery("SELECT count(*) FROM gateway_requests").close();
        }
    }

    @Test
    void rejectsAnUnknownLocationWithoutLeakingAPassword() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LedgerDatabase.open("mysql://u:secret@h/db"))
                .hasMessageContaining("state.ledger: mysql://u:***@h/db (expected: sqlite:<path> or jdbc:postgresql://");
        assertThat(LedgerDatabase.redact("jdbc:postgresql://h/db?user=u&password=hunter2")).doesNotContain("hunter2");
    }

    @Test
    void checkParsesTheLocationWithoutOpeningOrCreatingAnything() {
        Path notYet = dir.resolve("not/yet");
        assertThat(LedgerDatabase.check(state("sqlite:" + notYet.resolve("gateway.db")))).isEmpty();
        assertThat(notYet.getParent()).doesNotExist();
        // nothing listens on port 1: a database that is down is the runtime's concern, not the config's
        assertThat(LedgerDatabase.check(state("jdbc:postgresql://127.0.0.1:1/tollgate?user=u&password=p"))).isEmpty();
        assertThat(LedgerDatabase.check(state("sqlite::memory:"))).isEmpty();

        assertThat(LedgerDatabase.check(state("mysql://u:hunter2@h/db"))).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("state.ledger");
            assertThat(p.message()).contains("expected: sqlite:<path> or jdbc:postgresql://").doesNotContain("hunter2");
        });
        assertThat(LedgerDatabase.check(state("jdbc:postgresql://h:port/db?password=hunter2"))).singleElement().satisfies(p ->
                assertThat(p.message()).contains("a valid PostgreSQL JDBC URL").doesNotContain("hunter2"));
        assertThat(LedgerDatabase.check(state("sqlite:"))).singleElement().satisfies(p -> assertThat(p.message()).contains("names no file"));
        assertThat(LedgerDatabase.check(state("sqlite:a\0b"))).singleElement().satisfies(p -> assertThat(p.message()).contains("not a valid file path"));
    }

    private static StateConfig state(String ledger) {
        return new StateConfig(ledger, null, null, null, null);
    }
}
