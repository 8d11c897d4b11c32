package io.tollgate.core.prompt;

import static io.tollgate.core.prompt.PromptTestSupport.SUPPORT_BOT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.core.filter.DefaultExchange;
import io.tollgate.core.filter.DefaultFilterServices;
import io.tollgate.core.filter.FilterDecision;
import io.tollgate.core.filter.GatewayFilter;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.Completion;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.Principal;
import io.tollgate.core.testing.FakeTicker;
import io.tollgate.core.testing.TestExchange;
import io.tollgate.core.testing.TestFilterServices;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptFilterTest {

    @TempDir Path tmp;
    DefaultFilterServices services;
    GatewayFilter filter;

    @BeforeEach
    void setUp() {
        PromptTestSupport.write(tmp.resolve("prompts"), "support-bot", SUPPORT_BOT);
        services = TestFilterServices.create();
        filter = new PromptFilterFactory().create(PromptTestSupport.config(tmp.resolve("prompts"), tmp.resolve("labels.json")), services);
    }

    @AfterEach
    void tearDown() {
        services.close();
    }

    private static DefaultExchange exchange(ApiKind api, String body, String... headers) {
        try {
            ObjectNode json = (ObjectNode) Json.MAPPER.readTree(body);
            DefaultExchange ex = TestExchange.of(GatewayRequest.of(api, json), MutableHeaders.of(headers), new FakeTicker());
            ex.principal(new Principal("key-1", null, List.of(), Map.of()));
            return ex;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static DefaultExchange chat(String body, String... headers) {
        return exchange(ApiKind.CHAT_COMPLETIONS, body, headers);
    }

    @Test
    void rendersVersionBeforeClientMessagesWithoutHtmlEscaping() {
        DefaultExchange ex = chat("""
                {"messages":[{"role":"user","content":"hi"}],
                 "prompt":{"id":"support-bot","version":2,"variables":{"company":"Tom & \\"Jerry's\\" <Shop>\\nLtd"}}}""");

        FilterDecision d = TestExchange.decide(filter, ex);

        assertThat(d).isInstanceOf(FilterDecision.Proceed.class);
        ObjectNode body = ex.request().json();
        assertThat(body.get("messages")).hasSize(2);
        assertThat(body.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(body.at("/messages/0/content").asText()).isEqualTo("You help customers of Tom & \"Jerry's\" <Shop>\nLtd.");
        assertThat(body.at("/messages/1/content").asText()).isEqualTo("hi");
        assertThat(body.has("prompt")).as("prompt field stripped").isFalse();
        assertThat(ex.request().isModified()).isTrue();
        assertThat(new String(ex.request().bytes())).doesNotContain("\"prompt\"");
        assertThat(ex.responseHeaders().get("x-gateway-prompt")).isEqualTo("support-bot@2");
        assertThat(ex.record().promptId()).isEqualTo("support-bot");
        assertThat(ex.record().promptVersion()).isEqualTo(2);
        assertThat(ex.record().promptHash()).hasSize(64);
    }

    @Test
    void appliesModelAndParamsOnlyWhereTheClientSetNone() {
        DefaultExchange absent = chat("""
                {"messages":[],"prompt":{"id":"support-bot","version":3,"variables":{"company":"Acme"}}}""");
        TestExchange.decide(filter, absent);
        assertThat(absent.request().model()).isEqualTo("chat");
        assertThat(absent.request().temperature()).isEqualTo(0.1);

        DefaultExchange present = chat("""
                {"model":"fast","temperature":0.7,"messages":[],"prompt":{"id":"support-bot","version":3,"variables":{"company":"Acme"}}}""");
        TestExchange.decide(filter, present);
        assertThat(present.request().model()).isEqualTo("fast");
        assertThat(present.request().temperature()).isEqualTo(0.7);
    }

    @Test
    void missingVariableIs400NamingIt() {
        FilterDecision d = TestExchange.decide(filter, chat("""
                {"messages":[],"prompt":{"id":"support-bot","version":1,"variables":{"firm":"Acme"}}}"""));

        assertThat(d).isInstanceOfSatisfying(FilterDecision.Reject.class, r -> {
            assertThat(r.error().status()).isEqualTo(400);
            assertThat(r.error().message()).contains("'company'");
            assertThat(r.error().param()).isEqualTo("prompt.variables.company");
        });
    }

    @Test
    void unknownPromptVersionOrLabelIs400NamingIt() {
        assertRejected(chat("{\"messages\":[],\"prompt\":{\"id\":\"nope\"}}"), "prompt.id", "'nope'");
        assertRejected(chat("{\"messages\":[],\"prompt\":{\"id\":\"support-bot\",\"version\":9}}"), "prompt.version", "no version 9");
        assertRejected(chat("{\"messages\":[],\"prompt\":{\"id\":\"support-bot\",\"label\":\"canary\"}}"), "prompt.label", "'canary'");
        assertRejected(chat("{\"messages\":[],\"prompt\":\"support-bot\"}"), "prompt", "object");
        assertRejected(chat("{\"messages\":[]}", "x-gateway-prompt", "support-bot@"), "x-gateway-prompt", "id@label");
    }

    private void assertRejected(DefaultExchange ex, String param, String messagePart) {
        assertThat(TestExchange.decide(filter, ex)).isInstanceOfSatisfying(FilterDecision.Reject.class, r -> {
            assertThat(r.error().status()).isEqualTo(400);
            assertThat(r.error().code()).isEqualTo("invalid_request");
            assertThat(r.error().param()).isEqualTo(param);
            assertThat(r.error().message()).contains(messagePart);
        });
    }

    @Test
    void headerFormWithBodyVariables() {
        DefaultExchange ex = chat("""
                {"messages":[{"role":"user","content":"q"}],"prompt":{"variables":{"company":"Acme"}}}""",
                "x-gateway-prompt", "support-bot@staging");

        assertThat(TestExchange.decide(filter, ex)).isInstanceOf(FilterDecision.Proceed.class);
        assertThat(ex.request().json().at("/messages/0/content").asText()).isEqualTo("You help Acme customers, briefly.");
        assertThat(ex.request().json().has("prompt")).isFalse();
        assertThat(ex.responseHeaders().get("x-gateway-prompt")).isEqualTo("support-bot@3");

        DefaultExchange byVersion = chat("{\"messages\":[],\"prompt\":{\"variables\":{\"company\":\"Acme\"}}}", "x-gateway-prompt", "support-bot@1");
        TestExchange.decide(filter, byVersion);
        assertThat(byVersion.responseHeaders().get("x-gateway-prompt")).isEqualTo("support-bot@1");
    }

    @Test
    void worksOnAnthropicMessagesInbound() {
        DefaultExchange ex = exchange(ApiKind.MESSAGES, """
                {"messages":[{"role":"user","content":"hi"}],"prompt":{"id":"support-bot","label":"staging","variables":{"company":"Acme"}}}""");
        assertThat(TestExchange.decide(filter, ex)).isInstanceOf(FilterDecision.Proceed.class);
        assertThat(ex.request().messages()).hasSize(2);
    }

    @Test
    void rejectsPromptOnEmbeddings() {
        assertRejected(exchange(ApiKind.EMBEDDINGS, "{\"input\":\"x\",\"prompt\":{\"id\":\"support-bot\"}}"),
                "prompt", "/v1/chat/completions and /v1/messages only");
    }

    @Test
    void thePromptFieldOfCompletionsAndResponsesIsTheVendorsAndPassesUntouched() {
        DefaultExchange completion = exchange(ApiKind.COMPLETIONS, "{\"model\":\"chat\",\"prompt\":\"Say this is a test\"}");
        assertThat(TestExchange.decide(filter, completion)).isInstanceOf(FilterDecision.Proceed.class);
        assertThat(completion.request().json().get("prompt").asText()).isEqualTo("Say this is a test");
        assertThat(completion.responseHeaders().get("x-gateway-prompt")).isNull();

        // OpenAI's stored prompt on the Responses API: the same shape as ours, but an id the vendor knows
        DefaultExchange stored = exchange(ApiKind.RESPONSES, """
                {"model":"chat","prompt":{"id":"pmpt_abc123","version":"2","variables":{"city":"Paris"}}}""");
        assertThat(TestExchange.decide(filter, stored)).isInstanceOf(FilterDecision.Proceed.class);
        assertThat(stored.request().json().get("prompt")).hasToString("{\"id\":\"pmpt_abc123\",\"version\":\"2\",\"variables\":{\"city\":\"Paris\"}}");
        assertThat(stored.record().promptId()).isNull();
    }

    @Test
    void theHeaderOnAnApiWithoutGatewayPromptsIs400NamingIt() {
        assertRejected(exchange(ApiKind.RESPONSES, "{\"model\":\"chat\",\"input\":\"hi\"}", "x-gateway-prompt", "support-bot@1"),
                "x-gateway-prompt", "/v1/chat/completions and /v1/messages only");
        assertRejected(exchange(ApiKind.COMPLETIONS, "{\"model\":\"chat\",\"prompt\":\"hi\"}", "x-gateway-prompt", "support-bot@1"),
                "x-gateway-prompt", "/v1/chat/completions and /v1/messages only");
    }

    @Test
    void nullPromptIsStrippedAndDefaultLabelsFileSitsNextToTheLedger() {
        DefaultExchange ex = chat("{\"model\":\"chat\",\"messages\":[],\"prompt\":null}");
        assertThat(TestExchange.decide(filter, ex)).isInstanceOf(FilterDecision.Proceed.class);
        assertThat(ex.request().json().has("prompt")).isFalse();
        var state = new io.tollgate.core.config.StateConfig("sqlite:/var/lib/tollgate/gateway.db", null, null, null, null);
        assertThat(io.tollgate.core.config.PromptsConfig.DEFAULT.labelsFile(state)).isEqualTo(Path.of("/var/lib/tollgate/prompt-labels.json"));
        assertThat(io.tollgate.core.config.PromptsConfig.DEFAULT.labelsFile(io.tollgate.core.config.StateConfig.DEFAULT))
                .isEqualTo(Path.of("data/prompt-labels.json"));
    }

    @Test
    void requestsWithoutPromptPassUntouched() {
        DefaultExchange ex = chat("{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(TestExchange.decide(filter, ex)).isSameAs(FilterDecision.proceed().toCompletableFuture().join());
        assertThat(ex.responseHeaders().get("x-gateway-prompt")).isNull();
    }

    @Test
    void splitFollowsWeightsAndIsStickyPerUser() {
        int v3 = 0;
        int users = 20_000;
        for (int i = 0; i < users; i++) {
            DefaultExchange ex = chat("{\"messages\":[],\"prompt\":{\"id\":\"support-bot\",\"label\":\"production\",\"variables\":{\"company\":\"A\"}}}");
            ex.record().user("user-" + i);
            TestExchange.decide(filter, ex);
            if (ex.record().promptVersion() == 3) {
                v3++;
            }
        }
        assertThat(v3 / (double) users).isCloseTo(0.10, org.assertj.core.data.Offset.offset(0.01));

        for (int i = 0; i < 200; i++) {
            int first = -1;
            for (int repeat = 0; repeat < 5; repeat++) {
                DefaultExchange ex = chat("{\"messages\":[],\"prompt\":{\"id\":\"support-bot\",\"label\":\"production\",\"variables\":{\"company\":\"A\"}}}");
                ex.record().user("sticky-" + i);
                TestExchange.decide(filter, ex);
                if (first < 0) {
                    first = ex.record().promptVersion();
                }
                assertThat(ex.record().promptVersion()).isEqualTo(first);
            }
        }
    }

    @Test
    void splitFallsBackToTheKeyWhenNoUserIsKnown() {
        int first = -1;
        for (int i = 0; i < 5; i++) {
            DefaultExchange ex = chat("{\"messages\":[],\"prompt\":{\"id\":\"support-bot\",\"label\":\"production\",\"variables\":{\"company\":\"A\"}}}");
            TestExchange.decide(filter, ex);
            if (first < 0) first = ex.record().promptVersion();
            assertThat(ex.record().promptVersion()).isEqualTo(first);
        }
        assertThat(PromptFilter.stickyKey(chat("{}"))).isEqualTo("key:key-1");
    }

    @Test
    void countsRequestsAndFeedsCompareStats() {
        DefaultExchange ex = chat("{\"messages\":[],\"prompt\":{\"id\":\"support-bot\",\"version\":2,\"variables\":{\"company\":\"A\"}}}");
        FilterDecision.Proceed p = (FilterDecision.Proceed) TestExchange.decide(filter, ex);
        ex.record().costUsd(0.002);
        p.hook().onComplete(ex, Completion.SUCCESS);

        MeterRegistry registry = services.meterRegistry();
        assertThat(registry.get("gateway.prompt.requests").tag("prompt", "support-bot").tag("version", "2").counter().count()).isEqualTo(1);
        assertThat(registry.get("gateway.prompt.cost.usd").tag("version", "2").counter().count()).isEqualTo(0.002);
        var cmp = PromptTestSupport.json(PromptTestSupport.admin(services, "GET", "/admin/prompts/support-bot/compare?a=2&b=3", ""));
        assertThat(cmp.at("/a/requests").asInt()).isEqualTo(1);
        assertThat(cmp.at("/a/mean_cost_usd").asDouble()).isEqualTo(0.002);
        assertThat(cmp.at("/b/requests").asInt()).isZero();
    }
}
