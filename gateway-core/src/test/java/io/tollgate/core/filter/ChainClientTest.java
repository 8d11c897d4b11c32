package io.tollgate.core.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.core.config.FilterSettings;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.FailureClass;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.error.GatewayException;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.Completion;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.Principal;
import io.tollgate.core.testing.TestExchange;
import io.tollgate.core.testing.TestFilterServices;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Requests the gateway makes on a caller's behalf: who they run as, which filters they pass, how they end. */
class ChainClientTest {

    static final AttrKey<String> WHO = AttrKey.inherited("test.who");
    static final AttrKey<String> ROUTE = AttrKey.of("test.route");

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final DefaultFilterServices services = TestFilterServices.create();
    final List<String> log = new CopyOnWriteArrayList<>();
    final List<Completion> completions = new CopyOnWriteArrayList<>();
    final AtomicReference<Exchange> seen = new AtomicReference<>();
    volatile Terminal terminal = (ex, sink) -> sink.unary(GatewayResponse.json(200, Json.object().put("object", "list"), null));

    @AfterEach
    void close() {
        services.close();
    }

    FilterChain.Entry entry(String type, int order) {
        GatewayFilter f = ex -> {
            log.add(type);
            return FilterDecision.proceed();
        };
        return new FilterChain.Entry(type, order, f, registry.timer("gateway.filter.duration", "filter", type), FilterSettings.DEFAULT);
    }

    ChainClient client() {
        FilterChain full = new FilterChain(List.of(entry("auth", 100), entry("rate-limit", 400), entry("budget", 500),
                entry("cache", 600), entry("metering", 700)), (ex, sink) -> {
                    seen.set(ex);
                    terminal.handle(ex, sink);
                }, List.of((ex, c) -> completions.add(c)));
        return new ChainClient(() -> full.only(GatewayClient.INTERNAL_FILTERS), services.scheduler());
    }

    static GatewayRequest embeddings() {
        return GatewayRequest.of(ApiKind.EMBEDDINGS, Json.object().put("model", "embed").put("input", "hi"));
    }

    static DefaultExchange parent() {
        DefaultExchange p = TestExchange.chat("chat", "hi");
        p.principal(new Principal("key-a", "team-a", List.of("chat"), Map.of()));
        p.attr(WHO, "alice's key");
        p.attr(ROUTE, "the chat alias's route");
        p.record().user("alice");
        p.record().tags().put("feature", "faq");
        return p;
    }

    @Test
    void runsAsTheCallerThroughBudgetAndMeteringOnly() {
        DefaultExchange parent = parent();
        GatewayResponse r = client().send(parent, embeddings(), "semantic-cache", Duration.ofSeconds(5)).join();

        assertThat(r.status()).isEqualTo(200);
        assertThat(log).containsExactly("budget", "metering");
        Exchange child = seen.get();
        assertThat(child.requestId()).isEqualTo("req-test:semantic-cache");
        assertThat(child.principal()).isEqualTo(parent.principal());
        assertThat(child.attr(WHO)).isEqualTo("alice's key");
        assertThat(child.attr(ROUTE)).as("only inherited attributes carry over").isNull();
        assertThat(child.record().user()).isEqualTo("alice");
        assertThat(child.record().tags()).containsEntry("feature", "faq");
        assertThat(child.api()).isEqualTo(ApiKind.EMBEDDINGS);
        assertThat(completions).containsExactly(Completion.SUCCESS);
    }

    @Test
    void anUpstreamErrorFailsTheCallWithIt() {
        GatewayError down = GatewayError.upstream(ErrorCode.UPSTREAM_ERROR, "down", FailureClass.SERVER_ERROR, null);
        terminal = (ex, sink) -> sink.fail(down);
        CompletableFuture<GatewayResponse> call = client().send(parent(), embeddings(), "semantic-cache", Duration.ofSeconds(5));
        assertThatThrownBy(call::join).isInstanceOf(CompletionException.class).cause()
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error()).isEqualTo(down));
    }

    @Test
    void aSlowCallTimesOutAndIsStopped() throws Exception {
        AtomicBoolean stopped = new AtomicBoolean();
        terminal = (ex, sink) -> ex.onCancel(() -> stopped.set(true));
        CompletableFuture<GatewayResponse> call = client().send(parent(), embeddings(), "semantic-cache", Duration.ofMillis(30));
        assertThatThrownBy(call::join).cause().isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.error().code()).isEqualTo("upstream_timeout"));
        awaitTrue(stopped);
        assertThat(seen.get().record().status()).as("its ledger row says it timed out").isEqualTo(504);
        assertThat(completions).hasSize(1);
        assertThat(completions.get(0).error().code()).isEqualTo("upstream_timeout");
    }

    @Test
    void theCallerGoingAwayCancelsTheCall() {
        AtomicBoolean stopped = new AtomicBoolean();
        terminal = (ex, sink) -> ex.onCancel(() -> stopped.set(true));
        DefaultExchange parent = parent();
        CompletableFuture<GatewayResponse> call = client().send(parent, embeddings(), "semantic-cache", Duration.ofSeconds(30));
        parent.cancel();
        assertThat(stopped).isTrue();
        assertThat(call).isCompletedExceptionally();
        assertThat(completions).containsExactly(Completion.CANCELLED);
    }

    @Test
    void theInternalIdFitsTheLedger() {
        String id = ChainClient.childId("r".repeat(128), "semantic-cache");
        assertThat(id).hasSize(128).endsWith(":semantic-cache");
        assertThat(ChainClient.childId("req-1", "x")).isEqualTo("req-1:x");
    }

    @Test
    void withoutAServerThereIsNoClient() {
        assertThat(new DefaultFilterServices(registry, Ticker.system(), java.time.Clock.systemUTC()).gatewayClient())
                .isSameAs(GatewayClient.UNAVAILABLE);
        assertThat(GatewayClient.UNAVAILABLE.send(parent(), embeddings(), "x", Duration.ofSeconds(1))).isCompletedExceptionally();
    }

    static void awaitTrue(AtomicBoolean flag) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!flag.get() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(flag).isTrue();
    }
}
