package io.tollgate.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.KeyConfig;
import io.tollgate.core.config.LimitsConfig;
import io.tollgate.core.config.Secret;
import io.tollgate.core.config.StateConfig;
import io.tollgate.core.filter.DefaultExchange;
import io.tollgate.core.filter.FilterDecision;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.Json;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.Principal;
import io.tollgate.core.testing.FakeTicker;
import io.tollgate.core.testing.MutableClock;
import io.tollgate.core.testing.TestExchange;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthFilterTest {

    static final String SEARCH_KEY = "tg-searchbackendkey0123456789abcdefghij";
    static final String HASHED_KEY = "tg-hashedkeyonlyinconfig0123456789abcdef";

    final MutableClock clock = new MutableClock(Instant.parse("2026-01-15T12:00:00Z"));
    final KeyStore store = new KeyStore(null, clock);

    AuthFilterTest() {
        store.syncConfig(List.of(
                new KeyConfig("search-backend", null, Secret.of(SEARCH_KEY), null, List.of("chat"), LimitsConfig.NONE, null, null,
                        null, Map.of("owner", "search")),
                new KeyConfig("by-hash", KeyHash.sha256Hex(HASHED_KEY), null, null, List.of(), new LimitsConfig(60, null), null, null,
                        Instant.parse("2026-02-01T00:00:00Z"), Map.of())));
    }

    static DefaultExchange request(String... headers) {
        var body = Json.object().put("model", "chat");
        body.putArray("messages").addObject().put("role", "user").put("content", "hi");
        return TestExchange.of(GatewayRequest.of(ApiKind.CHAT_COMPLETIONS, body), MutableHeaders.of(headers), new FakeTicker());
    }

    static FilterDecision run(AuthFilter filter, DefaultExchange ex) {
        return TestExchange.decide(filter, ex);
    }

    static void assertUnauthorized(FilterDecision d) {
        assertThat(d).isInstanceOfSatisfying(FilterDecision.Reject.class, r -> {
            assertThat(r.error().status()).isEqualTo(401);
            assertThat(r.error().code()).isEqualTo("invalid_api_key");
        });
    }

    @Test
    void bearerKeyFromConfigAuthenticatesAndSetsThePrincipal() {
        DefaultExchange ex = request("authorization", "Bearer " + SEARCH_KEY);
        assertThat(run(AuthFilter.keys(store), ex)).isInstanceOf(FilterDecision.Proceed.class);
        assertThat(ex.principal().keyId()).isEqualTo("search-backend");
        assertThat(ex.principal().models()).containsExactly("chat");
        assertThat(ex.principal().metadata()).containsEntry("owner", "search");
    }

    @Test
    void xApiKeyAndKeySha256FromConfigWork() {
        DefaultExchange ex = request("x-api-key", HASHED_KEY);
        assertThat(run(AuthFilter.keys(store), ex)).isInstanceOf(FilterDecision.Proceed.class);
        assertThat(ex.principal().keyId()).isEqualTo("by-hash");
        assertThat(store.find("by-hash").limits().rpm()).isEqualTo(60);
    }

    @Test
    void missingUnknownAndMalformedKeysAre401() {
        assertUnauthorized(run(AuthFilter.keys(store), request()));
        assertUnauthorized(run(AuthFilter.keys(store), request("authorization", "Bearer tg-nope")));
        assertUnauthorized(run(AuthFilter.keys(store), request("authorization", "Basic " + SEARCH_KEY)));
        assertUnauthorized(run(AuthFilter.keys(store), request("authorization", "Bearer " + SEARCH_KEY + "x")));
    }

    @Test
    void headerCheckForRequestsRefusedBeforeTheChainObjectsOnlyToMissingOrUnknownKeys() {
        assertThat(AuthFilter.keys(store).checkHeaders(MutableHeaders.of("authorization", "Bearer " + SEARCH_KEY))).isNull();
        assertThat(AuthFilter.keys(store).checkHeaders(MutableHeaders.of("x-api-key", HASHED_KEY))).isNull();
        assertThat(AuthFilter.keys(store).checkHeaders(MutableHeaders.of())).isEqualTo(GatewayError.invalidApiKey());
        assertThat(AuthFilter.keys(store).checkHeaders(MutableHeaders.of("authorization", "Bearer tg-nope"))).isEqualTo(GatewayError.invalidApiKey());
        assertThat(AuthFilter.open().checkHeaders(MutableHeaders.of())).isNull();
    }

    @Test
    void expiredKeyIs401() {
        DefaultExchange before = request("x-api-key", HASHED_KEY);
        assertThat(run(AuthFilter.keys(store), before)).isInstanceOf(FilterDecision.Proceed.class);
        clock.set(Instant.parse("2026-02-01T00:00:00Z"));
        assertUnauthorized(run(AuthFilter.keys(store), request("x-api-key", HASHED_KEY)));
    }

    @Test
    void revokedKeyIs401() throws Exception {
        String secret = KeyHash.generate();
        store.create(new VirtualKey("api-1", KeyHash.sha256(secret), VirtualKey.Source.API, null, List.of(), Map.of(),
                LimitsConfig.NONE, null, null, null, null, clock.instant()));
        assertThat(run(AuthFilter.keys(store), request("authorization", "Bearer " + secret))).isInstanceOf(FilterDecision.Proceed.class);
        store.revoke("api-1");
        clock.advance(Duration.ofSeconds(1));
        assertUnauthorized(run(AuthFilter.keys(store), request("authorization", "Bearer " + secret)));
    }

    @Test
    void reloadReplacesConfigKeys() {
        store.syncConfig(List.of());
        assertUnauthorized(run(AuthFilter.keys(store), request("authorization", "Bearer " + SEARCH_KEY)));
    }

    @Test
    void openModeIsAnonymousWithoutAnyKey() {
        DefaultExchange ex = request();
        assertThat(run(AuthFilter.open(), ex)).isInstanceOf(FilterDecision.Proceed.class);
        assertThat(ex.principal()).isSameAs(Principal.ANONYMOUS);
    }

    @Test
    void hashingIsSha256AndComparisonIsConstantTimeIsEqual() {
        // SHA-256("abc") from FIPS 180-2
        assertThat(KeyHash.sha256Hex("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        byte[] h = KeyHash.sha256("abc");
        byte[] other = h.clone();
        other[31] ^= 1;
        assertThat(KeyHash.matches(h, h.clone())).isTrue();
        assertThat(KeyHash.matches(h, other)).isFalse();
        assertThat(KeyHash.generate()).matches("tg-[0-9A-Za-z]{40}");
        assertThat(KeyHash.generate()).isNotEqualTo(KeyHash.generate());
    }

    @Test
    void noKeyMaterialInToString() {
        VirtualKey k = store.find("search-backend");
        assertThat(k.toString()).doesNotContain(SEARCH_KEY).doesNotContain(KeyHash.sha256Hex(SEARCH_KEY).substring(0, 16));
        KeyConfig kc = new KeyConfig("x", null, Secret.of(SEARCH_KEY), null, null, null, null, null, null, null);
        assertThat(kc.toString()).doesNotContain(SEARCH_KEY);
    }

    @Test
    void checkParsesTheLedgerTheKeyStoreOpens() {
        GatewayConfig config = new GatewayConfig(null, null, null, null, null, null, null, null, null,
                new StateConfig("jdbc:mysql://h/db", null, null, null, null), null, null);
        assertThat(new AuthFilterFactory().check(config)).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("state.ledger");
            assertThat(p.message()).contains("jdbc:mysql://h/db");
        });
        assertThat(new AuthFilterFactory().check(GatewayConfig.empty())).isEmpty();
    }
}
