package io.tollgate.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

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

    @Test
    void createsParentDirectoriesAndUsesWal() throws Exception {
        open(java.time.Duration.ofHours(1), 10);
        assertThat(Files.exists(dir.resolve("nested/dir/gateway.db"))).isTrue();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
        }
    }

    @Test
    void rejectsAnUnknownLocationWithoutLeakingAPassword() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LedgerDatabase.open("mysql://u:secret@h/db"))
                .hasMessageContaining("expected sqlite:<path> or jdbc:postgresql://");
        assertThat(LedgerDatabase.redact("jdbc:postgresql://h/db?user=u&password=hunter2")).doesNotContain("hunter2");
    }
}
