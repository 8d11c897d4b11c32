package io.tollgate.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.admin.AdminRequest;
import io.tollgate.core.admin.AdminResponse;
import io.tollgate.core.admin.AdminRoutes;
import io.tollgate.core.config.KeyConfig;
import io.tollgate.core.config.Secret;
import io.tollgate.core.ledger.LedgerDatabase;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyAdminTest {

    static final String CONFIG_KEY = "tg-configkey0123456789abcdefghijklmnop";

    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(Instant.parse("2026-01-15T12:00:00Z"));
    LedgerDatabase db;
    KeyStore store;
    final AdminRoutes routes = new AdminRoutes();

    @BeforeEach
    void setUp() {
        db = LedgerDatabase.open("sqlite:" + dir.resolve("gateway.db"));
        store = new KeyStore(db, clock);
        store.syncConfig(List.of(new KeyConfig("from-config", null, Secret.of(CONFIG_KEY), null, null, null, null, null, null, null)));
        new KeyAdmin(store, Set.of("search"), Runnable::run).register(routes);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    AdminResponse call(String method, String path, String body) {
        return routes.dispatch(method, path, params -> new AdminRequest(method, path, params, Map.of(), MutableHeaders.of(),
                body.getBytes(StandardCharsets.UTF_8))).toCompletableFuture().join();
    }

    static JsonNode json(AdminResponse r) throws Exception {
        return Json.parse(r.body());
    }

    static String text(AdminResponse r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void createShowsTheKeyOnceAndItAuthenticates() throws Exception {
        AdminResponse created = call("POST", "/admin/keys", """
                {"id": "svc-a", "team": "search", "models": ["chat"], "metadata": {"owner": "ana"},
                 "limits": {"rpm": 10}, "budget": {"usd": 5, "period": "daily"}, "expires": "2026-06-01T00:00:00Z"}""");
        assertThat(created.status()).isEqualTo(201);
        String key = json(created).path("key").asText();
        assertThat(key).matches("tg-[0-9A-Za-z]{40}");
        assertThat(store.authenticate(key).principal().team()).isEqualTo("search");
        assertThat(store.find("svc-a").budget().usd()).isEqualTo(5.0);

        String hashHex = KeyHash.sha256Hex(key);
        for (AdminResponse r : List.of(call("GET", "/admin/keys", ""), call("GET", "/admin/keys/svc-a", ""))) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(text(r)).doesNotContain(key).doesNotContain(key.substring(3, 20)).doesNotContain(hashHex)
                    .doesNotContain("\"key\"");
        }
        JsonNode one = json(call("GET", "/admin/keys/svc-a", ""));
        assertThat(one.path("key_prefix").asText()).isEqualTo("sha256:" + hashHex.substring(0, 8));
        assertThat(one.path("limits").path("rpm").asInt()).isEqualTo(10);
        assertThat(json(call("GET", "/admin/keys", "")).path("data")).hasSize(2);
    }

    @Test
    void createdKeysSurviveARestart() throws Exception {
        String key = json(call("POST", "/admin/keys", "{\"id\": \"persisted\", \"models\": [\"chat\"]}")).path("key").asText();
        call("PATCH", "/admin/keys/persisted", "{\"metadata\": {\"env\": \"prod\"}, \"limits\": {\"tpm\": 1000}}");
        KeyStore restarted = new KeyStore(db, clock);
        VirtualKey k = restarted.authenticate(key);
        assertThat(k.id()).isEqualTo("persisted");
        assertThat(k.models()).containsExactly("chat");
        assertThat(k.metadata()).containsEntry("env", "prod");
        assertThat(k.limits().tpm()).isEqualTo(1000);
    }

    @Test
    void patchAndRevoke() throws Exception {
        String key = json(call("POST", "/admin/keys", "{\"id\": \"k\"}")).path("key").asText();
        AdminResponse patched = call("PATCH", "/admin/keys/k", "{\"models\": [\"chat\", \"embed\"], \"expires\": null, \"max_cost_usd\": 0.5}");
        assertThat(patched.status()).isEqualTo(200);
        assertThat(json(patched).path("models")).hasSize(2);
        assertThat(json(patched).path("max_cost_usd").asDouble()).isEqualTo(0.5);

        AdminResponse revoked = call("DELETE", "/admin/keys/k", "");
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(json(revoked).path("revoked").asText()).isEqualTo("2026-01-15T12:00:00Z");
        assertThat(store.authenticate(key)).isNull();
        assertThat(new KeyStore(db, clock).authenticate(key)).isNull(); // revocation persisted
    }

    @Test
    void aReplicaOnTheSameDatabaseSeesKeysCreatedChangedAndRevokedElsewhere() throws Exception {
        KeyStore other = new KeyStore(db, clock);   // another gateway sharing the ledger database
        List<VirtualKey> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        other.onChange(told::add);
        String key = json(call("POST", "/admin/keys", "{\"id\": \"shared\", \"models\": [\"chat\"]}")).path("key").asText();
        assertThat(other.authenticate(key)).as("not before a refresh").isNull();

        other.refresh();
        assertThat(other.authenticate(key).models()).containsExactly("chat");
        assertThat(told).extracting(VirtualKey::id).containsExactly("shared");

        other.refresh();
        assertThat(told).as("an unchanged key is not reported again").hasSize(1);

        call("PATCH", "/admin/keys/shared", "{\"budget\": {\"usd\": 3, \"period\": \"monthly\"}}");
        call("DELETE", "/admin/keys/shared", "");
        other.refresh();
        assertThat(other.authenticate(key)).as("revoked on the other replica").isNull();
        assertThat(other.find("shared").budget().usd()).isEqualTo(3.0);
        assertThat(told).hasSize(2);
    }

    @Test
    void aRefreshReadsRecentWritesAndEveryKeyOncePerFullReadInterval() throws Exception {
        String key = json(call("POST", "/admin/keys", "{\"id\": \"skewed\", \"models\": [\"chat\"]}")).path("key").asText();
        KeyStore other = new KeyStore(db, clock);
        clock.advance(KeyStore.WRITE_LOOKBACK.multipliedBy(2));
        other.refresh();

        // A write stamped by a replica whose clock is far behind: older than the look-back of an incremental read.
        try (java.sql.Connection c = db.dataSource().getConnection();
                java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE gateway_keys SET models = '[\"embed\"]', updated_ms = 0 WHERE id = 'skewed'");
        }
        clock.advance(KeyStore.REFRESH_INTERVAL);
        other.refresh();
        assertThat(other.find("skewed").models()).as("an incremental read only reads recent writes").containsExactly("chat");

        clock.advance(KeyStore.FULL_READ_INTERVAL);
        other.refresh();
        assertThat(other.find("skewed").models()).as("the periodic full read").containsExactly("embed");
        assertThat(other.authenticate(key).models()).containsExactly("embed");
    }

    @Test
    void aRefreshSeesAWriteThatCommittedWithinTheLookBack() throws Exception {
        KeyStore other = new KeyStore(db, clock);
        Instant stamped = clock.instant();
        clock.advance(KeyStore.WRITE_LOOKBACK.dividedBy(2));
        other.refresh();   // began after the write took its time, before it committed
        clock.set(stamped);
        String key = json(call("POST", "/admin/keys", "{\"id\": \"late\"}")).path("key").asText();
        clock.advance(KeyStore.WRITE_LOOKBACK.dividedBy(2).plus(KeyStore.REFRESH_INTERVAL));
        other.refresh();
        assertThat(other.authenticate(key)).isNotNull();
    }

    @Test
    void aConfigKeyWinsOverAnApiKeyWithTheSameSecret() throws Exception {
        store.create(new VirtualKey("api-copy", KeyHash.sha256(CONFIG_KEY), VirtualKey.Source.API, null, List.of(), Map.of(),
                new io.tollgate.core.config.LimitsConfig(null, null), null, null, null, null, clock.instant()));
        assertThat(store.authenticate(CONFIG_KEY).id()).isEqualTo("from-config");
        store.syncConfig(List.of());
        assertThat(store.authenticate(CONFIG_KEY).id()).as("once the config drops it").isEqualTo("api-copy");
    }

    @Test
    void configKeysAreReadOnly() {
        for (AdminResponse r : List.of(call("PATCH", "/admin/keys/from-config", "{\"models\": []}"), call("DELETE", "/admin/keys/from-config", ""))) {
            assertThat(r.status()).isEqualTo(409);
            assertThat(text(r)).contains("defined in the config file");
        }
        assertThat(call("POST", "/admin/keys", "{\"id\": \"from-config\"}").status()).isEqualTo(409);
        assertThat(store.authenticate(CONFIG_KEY)).isNotNull();
    }

    @Test
    void badInputIs400NamingTheFieldAndUnknownIdIs404() {
        assertThat(text(call("POST", "/admin/keys", "{\"team\": \"nope\"}"))).contains("\"param\":\"team\"");
        assertThat(text(call("POST", "/admin/keys", "{\"limits\": {\"rpm\": 0}}"))).contains("\"param\":\"rpm\"");
        assertThat(text(call("POST", "/admin/keys", "{\"budget\": {\"usd\": 5, \"period\": \"hourly\"}}"))).contains("\"param\":\"budget.period\"");
        assertThat(text(call("POST", "/admin/keys", "{\"expires\": \"tomorrow\"}"))).contains("\"param\":\"expires\"");
        assertThat(text(call("POST", "/admin/keys", "[1]"))).contains("\"param\":\"body\"");
        assertThat(call("POST", "/admin/keys", "{not json").status()).isEqualTo(400);
        assertThat(call("GET", "/admin/keys/ghost", "").status()).isEqualTo(404);
        assertThat(call("PATCH", "/admin/keys/ghost", "{}").status()).isEqualTo(404);
    }
}
