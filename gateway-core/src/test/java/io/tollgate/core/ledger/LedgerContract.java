package io.tollgate.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.core.admin.AdminRequest;
import io.tollgate.core.admin.AdminResponse;
import io.tollgate.core.auth.KeyHash;
import io.tollgate.core.auth.KeyStore;
import io.tollgate.core.auth.VirtualKey;
import io.tollgate.core.config.LimitsConfig;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.prompt.LabelOverrides;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The ledger's behaviour, run against SQLite and PostgreSQL by the subclasses. */
abstract class LedgerContract {

    static final Instant T0 = Instant.parse("2026-01-15T12:00:00Z");

    /** A database location; each call within one test must return the same database. */
    abstract String location();

    /** The same database as a JDBC URL, for Flyway and DriverManager. */
    abstract String jdbcUrl();

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    LedgerDatabase db;
    LedgerWriter writer;

    LedgerWriter open(Duration interval, int capacity) {
        db = LedgerDatabase.open(location());
        writer = new LedgerWriter(db, Runnable::run, scheduler, interval, capacity, registry);
        return writer;
    }

    @AfterEach
    void closeAll() {
        scheduler.shutdownNow();
        if (writer != null) writer.close();
        if (db != null) db.close();
    }

    static LedgerRow row(String id, Instant t, String key, String team, String user, Map<String, String> tags, String model, double cost) {
        return new LedgerRow(t, id, key, team, user, tags, "chat", "openai", model, "support-bot", 2, "abc123",
                new TokenUsage(100, 20, 30, 5, 7), cost, true, 0.5, 120, 40L, 200, null, "miss", 1);
    }

    long count() throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM gateway_requests")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void replicasReadEachOthersKeyWritesIncrementally() throws Exception {
        db = LedgerDatabase.open(location());
        MutableClock clock = new MutableClock(T0);
        KeyStore here = new KeyStore(db, clock);
        KeyStore there = new KeyStore(db, clock);
        clock.advance(Duration.ofMinutes(10));   // past the first full read: the refreshes below read only recent writes
        there.refresh();

        String secret = KeyHash.generate();
        here.create(new VirtualKey("shared", KeyHash.sha256(secret), VirtualKey.Source.API, "search", List.of("chat"), Map.of(),
                new LimitsConfig(60, null), null, null, null, null, clock.instant()));
        clock.advance(KeyStore.REFRESH_INTERVAL);
        there.refresh();
        assertThat(there.authenticate(secret).principal().team()).isEqualTo("search");

        here.revoke("shared");
        clock.advance(KeyStore.REFRESH_INTERVAL);
        there.refresh();
        assertThat(there.authenticate(secret)).isNull();
        assertThat(new KeyStore(db, clock).find("shared").revoked()).isEqualTo(clock.instant().minus(KeyStore.REFRESH_INTERVAL));
    }

    @Test
    void promptLabelMovesAreSharedByReplicasAndAuditedInOrder() throws Exception {
        db = LedgerDatabase.open(location());
        java.nio.file.Path noLegacyFile = java.nio.file.Path.of("no-such-dir", "prompt-labels.json");
        LabelOverrides here = new LabelOverrides(db, noLegacyFile, Runnable::run);
        LabelOverrides there = new LabelOverrides(db, noLegacyFile, Runnable::run);
        here.move("bot", "production", 3, 2, "alice", T0).toCompletableFuture().join();
        here.move("bot", "production", 1, 3, "bob", T0).toCompletableFuture().join();   // same millisecond: still ordered
        here.move("bot", "canary", 2, null, "bob", T0).toCompletableFuture().join();
        there.refresh();
        assertThat(there.of("bot")).isEqualTo(Map.of("production", 1, "canary", 2));

        there.move("bot", "canary", null, 2, "carol", T0.plusSeconds(1)).toCompletableFuture().join();
        here.refresh();
        assertThat(here.get("bot", "canary")).isNull();
        assertThat(here.audit("bot").toCompletableFuture().join()).extracting(LabelOverrides.AuditEntry::who, LabelOverrides.AuditEntry::to)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("alice", 3), org.assertj.core.groups.Tuple.tuple("bob", 1),
                        org.assertj.core.groups.Tuple.tuple("bob", 2), org.assertj.core.groups.Tuple.tuple("carol", null));
        assertThat(new LabelOverrides(db, noLegacyFile, Runnable::run).of("bot")).isEqualTo(Map.of("production", 1));
    }

    @Test
    void rowsAreWrittenWithEveryColumn() throws Exception {
        open(Duration.ofHours(1), 100);
        writer.enqueue(row("r1", T0, "k1", "search", "u1", Map.of("env", "prod"), "gpt-4o", 0.25));
        assertThat(count()).isZero(); // nothing until a flush
        assertThat(writer.flush()).isEqualTo(1);
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM gateway_requests")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong("ts_ms")).isEqualTo(T0.toEpochMilli());
            assertThat(rs.getString("request_id")).isEqualTo("r1");
            assertThat(rs.getString("key_id")).isEqualTo("k1");
            assertThat(rs.getString("team")).isEqualTo("search");
            assertThat(rs.getString("user_id")).isEqualTo("u1");
            assertThat(rs.getString("tags")).isEqualTo("{\"env\":\"prod\"}");
            assertThat(rs.getString("upstream_model")).isEqualTo("gpt-4o");
            assertThat(rs.getString("prompt_id")).isEqualTo("support-bot");
            assertThat(rs.getInt("prompt_version")).isEqualTo(2);
            assertThat(rs.getLong("input_tokens")).isEqualTo(100);
            assertThat(rs.getLong("cache_read_tokens")).isEqualTo(30);
            assertThat(rs.getLong("cache_write_tokens")).isEqualTo(5);
            assertThat(rs.getLong("reasoning_tokens")).isEqualTo(7);
            assertThat(rs.getDouble("cost_usd")).isEqualTo(0.25);
            assertThat(rs.getDouble("cost_saved_usd")).isEqualTo(0.5);
            assertThat(rs.getLong("ttft_ms")).isEqualTo(40);
            assertThat(rs.getString("cache_status")).isEqualTo("miss");
            assertThat(rs.getString("error_code")).isNull();
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void timerFlushesBatchesInTheBackground() throws Exception {
        open(Duration.ofMillis(20), 10_000);
        for (int i = 0; i < 1_200; i++) { // more than one 500-row batch
            writer.enqueue(row("r" + i, T0, "k1", null, null, Map.of(), "gpt-4o", 0.001));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // The rows are visible once committed; the writer counts them just after: wait for both.
        while ((count() < 1_200 || registry.get("gateway.ledger.written").counter().count() < 1_200 || writer.queued() > 0)
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(count()).isEqualTo(1_200);
        assertThat(writer.queued()).isZero();
        assertThat(registry.get("gateway.ledger.written").counter().count()).isEqualTo(1_200);
    }

    @Test
    void oneFlushOfSeveralBatchesRollsUpEveryBatch() throws Exception {
        db = LedgerDatabase.open(location());
        // an executor that never runs the background flush: the 1,200 rows wait for one flush() of three batches
        writer = new LedgerWriter(db, task -> { }, scheduler, Duration.ofHours(1), 10_000, registry);
        for (int i = 0; i < 1_200; i++) {
            writer.enqueue(row("r" + i, T0.plus(Duration.ofMinutes(i % 120)), i % 3 == 0 ? "k2" : "k1", null, null, Map.of(),
                    "gpt-4o", 0.25));
        }
        assertThat(writer.flush()).isEqualTo(1_200);
        assertThat(count()).isEqualTo(1_200);
        Map<String, Long> requests = new HashMap<>();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT key_id, hour_ms, requests, cost_usd FROM gateway_spend_hourly")) {
            while (rs.next()) {
                requests.put(rs.getString(1) + "@" + (rs.getLong(2) - T0.toEpochMilli()) / HourlySpend.HOUR_MS, rs.getLong(3));
                assertThat(rs.getDouble(4)).isEqualTo(0.25 * rs.getLong(3));
            }
        }
        assertThat(requests).isEqualTo(Map.of("k1@0", 400L, "k1@1", 400L, "k2@0", 200L, "k2@1", 200L));
    }

    @Test
    void aFullBatchIsWrittenWithoutWaitingForTheTimer() throws Exception {
        open(Duration.ofHours(1), 10_000); // the timer never fires; the writer's executor runs a flush inline
        for (int i = 0; i < 499; i++) {
            writer.enqueue(row("r" + i, T0, "k1", null, null, Map.of(), "gpt-4o", 0.001));
        }
        assertThat(count()).isZero();
        writer.enqueue(row("r499", T0, "k1", null, null, Map.of(), "gpt-4o", 0.001));
        assertThat(count()).isEqualTo(500);
        assertThat(writer.queued()).isZero();
    }

    @Test
    void fullQueueDropsAndCountsInsteadOfBlocking() {
        open(Duration.ofHours(1), 3);
        for (int i = 0; i < 5; i++) {
            writer.enqueue(row("r" + i, T0, "k1", null, null, Map.of(), "gpt-4o", 0.001));
        }
        assertThat(writer.queued()).isEqualTo(3);
        assertThat(registry.get("gateway.ledger.dropped").counter().count()).isEqualTo(2);
    }

    @Test
    void closeFlushesEverythingQueued() throws Exception {
        open(Duration.ofHours(1), 10_000); // the timer never fires: only close() can write
        for (int i = 0; i < 50; i++) {
            writer.enqueue(row("r" + i, T0, "k1", null, null, Map.of(), "gpt-4o", 0.001));
        }
        writer.close();
        writer = null;
        assertThat(count()).isEqualTo(50);
    }

    @Test
    void aCrashLosesOnlyRowsNewerThanTheLastFlush() throws Exception {
        open(Duration.ofHours(1), 10_000);
        for (int i = 0; i < 10; i++) writer.enqueue(row("old" + i, T0, "k1", null, null, Map.of(), "gpt-4o", 0.01));
        writer.flush(); // what the timer did before the crash
        for (int i = 0; i < 3; i++) writer.enqueue(row("new" + i, T0, "k1", null, null, Map.of(), "gpt-4o", 0.01));
        // kill -9: the writer is never closed, its queue is gone; the process restarts over the same database
        LedgerWriter crashed = writer;
        db.close();
        writer = null;
        open(Duration.ofHours(1), 10_000);
        assertThat(count()).isEqualTo(10);
        assertThat(new SpendReader(db).spendSince(SpendReader.Scope.KEY, T0).get("k1")).isCloseTo(0.1, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(crashed.queued()).isEqualTo(3);
    }

    @Test
    void spendSinceSumsPerKeyTeamAndUserFromThePeriodStart() {
        open(Duration.ofHours(1), 10_000);
        writer.enqueue(row("a", T0.minusSeconds(3600), "k1", "search", "u1", Map.of(), "gpt-4o", 5.0)); // before the period
        writer.enqueue(row("b", T0, "k1", "search", "u1", Map.of(), "gpt-4o", 1.0));
        writer.enqueue(row("c", T0.plusSeconds(5), "k2", "search", "u2", Map.of(), "gpt-4o", 2.0));
        writer.enqueue(row("d", T0.plusSeconds(9), "k3", null, null, Map.of(), "gpt-4o", 4.0));
        writer.flush();
        SpendReader reader = new SpendReader(db);
        assertThat(reader.spendSince(SpendReader.Scope.KEY, T0)).isEqualTo(Map.of("k1", 1.0, "k2", 2.0, "k3", 4.0));
        assertThat(reader.spendSince(SpendReader.Scope.TEAM, T0)).isEqualTo(Map.of("search", 3.0));
        assertThat(reader.spendSince(SpendReader.Scope.USER, T0)).isEqualTo(Map.of("u1", 1.0, "u2", 2.0));
        assertThat(reader.spendSince(SpendReader.Scope.KEY, T0.minusSeconds(7200))).containsEntry("k1", 6.0);
        // the budgets' SpendSource seam (rebuild at start)
        assertThat(reader.spentSince(io.tollgate.core.budget.BudgetScope.TEAM, T0)).isEqualTo(Map.of("search", 3.0));
        assertThat(reader.spentSince(io.tollgate.core.budget.BudgetScope.USER, T0)).isEqualTo(Map.of("u1", 1.0, "u2", 2.0));
    }

    @Test
    void spendReportGroupsByDimensionAndTagInJsonAndCsv() throws Exception {
        open(Duration.ofHours(1), 10_000);
        writer.enqueue(row("a", T0, "k1", "search", "u1", Map.of("feature", "summarize"), "gpt-4o", 1.0));
        writer.enqueue(row("b", T0, "k1", "search", "u1", Map.of("feature", "chat"), "gpt-4o-mini", 2.0));
        writer.enqueue(row("c", T0, "k2", null, "u2", Map.of("feature", "chat"), "gpt-4o", 0.5));
        writer.enqueue(row("d", T0.plus(Duration.ofDays(40)), "k2", null, "u2", Map.of(), "gpt-4o", 99)); // outside the window
        SpendAdmin admin = new SpendAdmin(writer, Runnable::run, new MutableClock(T0.plusSeconds(60)));

        AdminResponse json = get(admin, Map.of("group_by", "tag:feature", "from", "2026-01-01", "to", "2026-02-01"));
        assertThat(json.status()).isEqualTo(200);
        var body = io.tollgate.core.model.Json.parse(json.body());
        assertThat(body.path("data").get(0).path("group").asText()).isEqualTo("chat");
        assertThat(body.path("data").get(0).path("cost_usd").asDouble()).isEqualTo(2.5);
        assertThat(body.path("data").get(0).path("requests").asLong()).isEqualTo(2);
        assertThat(body.path("data").get(1).path("group").asText()).isEqualTo("summarize");
        assertThat(body.path("total_cost_usd").asDouble()).isEqualTo(3.5);

        AdminResponse csv = get(admin, Map.of("group_by", "team", "format", "csv")); // default window: this month so far
        assertThat(csv.contentType()).startsWith("text/csv");
        assertThat(new String(csv.body(), StandardCharsets.UTF_8)).isEqualTo(
                "team,requests,input_tokens,output_tokens,cached_input_tokens,cost_usd,cost_saved_usd\n"
                + "search,2,200,40,60,3,1\n"
                + "(none),1,100,20,30,0.5,0.5\n");

        AdminResponse bad = get(admin, Map.of("group_by", "prompt"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(new String(bad.body(), StandardCharsets.UTF_8)).contains("\"param\":\"group_by\"");
        assertThat(get(admin, Map.of("from", "yesterday")).status()).isEqualTo(400);
    }

    /** 180 rows one minute apart from 11:30 to 14:29, alternating key and team, cost a quarter dollar times the minute. */
    static List<LedgerRow> threeHours() {
        List<LedgerRow> rows = new java.util.ArrayList<>();
        Instant start = Instant.parse("2026-01-15T11:30:00Z");
        for (int i = 0; i < 180; i++) {
            boolean even = i % 2 == 0;
            rows.add(row("m" + i, start.plusSeconds(60L * i), even ? "k1" : "k2", even ? "search" : null, null, Map.of(), "gpt-4o", 0.25 * i));
        }
        return rows;
    }

    /** What a report must say, summed from the rows themselves: cost and requests per key in [from, to). */
    static Map<String, double[]> expected(List<LedgerRow> rows, Instant from, Instant to) {
        Map<String, double[]> out = new java.util.TreeMap<>();
        for (LedgerRow r : rows) {
            if (!r.time().isBefore(from) && r.time().isBefore(to)) {
                double[] d = out.computeIfAbsent(r.keyId(), k -> new double[2]);
                d[0] += r.costUsd();
                d[1]++;
            }
        }
        return out;
    }

    static Map<String, double[]> byKey(List<SpendReader.SpendLine> lines) {
        Map<String, double[]> out = new java.util.TreeMap<>();
        lines.forEach(l -> out.put(l.group(), new double[] {l.costUsd(), l.requests()}));
        return out;
    }

    @Test
    void spendSumsWholeHoursFromTheRollupAndPartialHoursFromTheRows() throws Exception {
        open(Duration.ofHours(1), 10_000);
        List<LedgerRow> rows = threeHours();
        rows.forEach(writer::enqueue);
        writer.flush();
        // one rollup row per hour, key and team: 4 hours touched (11:xx to 14:xx), two groups each
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*), SUM(requests), SUM(cost_usd) FROM gateway_spend_hourly")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(8);
            assertThat(rs.getLong(2)).isEqualTo(180);
            assertThat(rs.getDouble(3)).isEqualTo(0.25 * 179 * 180 / 2);
        }
        SpendReader reader = new SpendReader(db);
        Instant[][] ranges = {
            {Instant.parse("2026-01-15T11:45:00Z"), Instant.parse("2026-01-15T14:15:00Z")},   // partial, 2 whole hours, partial
            {Instant.parse("2026-01-15T12:00:00Z"), Instant.parse("2026-01-15T14:00:00Z")},   // whole hours only
            {Instant.parse("2026-01-15T12:05:00Z"), Instant.parse("2026-01-15T12:20:00Z")},   // inside one hour
            {Instant.parse("2026-01-15T12:59:59Z"), Instant.parse("2026-01-15T13:00:01Z")},   // across one boundary
        };
        for (Instant[] r : ranges) {
            assertThat(byKey(reader.report("key", r[0], r[1]))).as("%s to %s", r[0], r[1])
                    .usingRecursiveComparison().isEqualTo(expected(rows, r[0], r[1]));
        }
        Instant periodStart = Instant.parse("2026-01-15T12:10:00Z");
        Map<String, double[]> since = expected(rows, periodStart, Instant.MAX);
        assertThat(reader.spendSince(SpendReader.Scope.KEY, periodStart)).isEqualTo(Map.of("k1", since.get("k1")[0], "k2", since.get("k2")[0]));
        assertThat(reader.spendSince(SpendReader.Scope.TEAM, periodStart)).isEqualTo(Map.of("search", since.get("k1")[0]));
        assertThat(reader.report("team", periodStart, Instant.parse("2026-01-16T00:00:00Z")))
                .extracting(SpendReader.SpendLine::group).containsExactlyInAnyOrder("search", "(none)");
    }

    @Test
    void retentionDeletesWholeHoursOfRowsInChunksAndKeepsTheirRollup() throws Exception {
        open(Duration.ofHours(1), 10_000);
        List<LedgerRow> rows = threeHours();   // 11:30 to 14:29 on Jan 15
        rows.forEach(writer::enqueue);
        writer.flush();
        MutableClock clock = new MutableClock(Instant.parse("2026-01-16T13:30:00Z"));
        LedgerRetention retention = new LedgerRetention(db, clock, Runnable::run, scheduler, registry, 7);
        assertThat(retention.prune()).as("no retention: rows kept").isZero();

        retention.retain(Duration.ofDays(1));   // a day before 13:30 is 13:00's hour: 11:30 to 12:59 go, 13 chunks of 7
        assertThat(retention.prune()).isEqualTo(90);
        assertThat(count()).isEqualTo(90);
        assertThat(registry.counter("gateway.ledger.pruned").count()).isEqualTo(90);
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT MIN(ts_ms) FROM gateway_requests")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(Instant.parse("2026-01-15T13:00:00Z").toEpochMilli());
        }
        // the deleted hours still count in reports and budgets, from the rollup
        SpendReader reader = new SpendReader(db);
        Instant from = Instant.parse("2026-01-15T11:00:00Z");
        Instant to = Instant.parse("2026-01-15T15:00:00Z");
        assertThat(byKey(reader.report("key", from, to))).usingRecursiveComparison().isEqualTo(expected(rows, from, to));
        assertThat(reader.spendSince(SpendReader.Scope.KEY, from).get("k1")).isEqualTo(expected(rows, from, to).get("k1")[0]);

        assertThat(retention.prune()).as("nothing left to delete").isZero();
        clock.advance(Duration.ofMinutes(29));   // 13:59: still 13:00's hour
        assertThat(retention.prune()).isZero();
        clock.advance(Duration.ofMinutes(1));
        assertThat(retention.prune()).isEqualTo(60);
        retention.close();
        writer.enqueue(row("late", Instant.parse("2026-01-15T10:00:00Z"), "k1", null, null, Map.of(), "gpt-4o", 1));
        writer.flush();
        assertThat(retention.prune()).as("closed: no more runs").isZero();
    }

    @Test
    void upgradingFromTheFirstSchemaRollsUpTheRowsAlreadyWritten() throws Exception {
        org.flywaydb.core.Flyway.configure().dataSource(jdbcUrl(), null, null).locations(LedgerDatabase.MIGRATIONS)
                .table(LedgerDatabase.HISTORY_TABLE).target("1").load().migrate();
        List<LedgerRow> rows = threeHours();
        try (Connection c = java.sql.DriverManager.getConnection(jdbcUrl());
             java.sql.PreparedStatement ps = c.prepareStatement(LedgerWriter.INSERT)) {
            for (LedgerRow r : rows) {
                LedgerWriter.bind(ps, r);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        open(Duration.ofHours(1), 10_000);   // migrates to the newest schema
        Instant from = Instant.parse("2026-01-15T11:45:00Z");
        Instant to = Instant.parse("2026-01-15T14:15:00Z");
        assertThat(byKey(new SpendReader(db).report("key", from, to))).usingRecursiveComparison().isEqualTo(expected(rows, from, to));
        java.util.Set<String> indexes = new java.util.TreeSet<>();
        try (Connection c = db.dataSource().getConnection(); ResultSet rs = c.getMetaData().getIndexInfo(null, null, "gateway_requests", false, false)) {
            while (rs.next()) {
                if (rs.getString("INDEX_NAME") != null) indexes.add(rs.getString("INDEX_NAME").toLowerCase(java.util.Locale.ROOT));
            }
        }
        assertThat(indexes).containsExactly("gateway_requests_ts");
    }

    static AdminResponse get(SpendAdmin admin, Map<String, String> query) {
        Map<String, List<String>> q = new java.util.HashMap<>();
        query.forEach((k, v) -> q.put(k, List.of(v)));
        return admin.handle(new AdminRequest("GET", "/admin/spend", Map.of(), q, MutableHeaders.of(), new byte[0]))
                .toCompletableFuture().join();
    }
}
