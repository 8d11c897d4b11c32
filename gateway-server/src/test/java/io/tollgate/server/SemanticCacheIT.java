package io.tollgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.model.Json;
import io.tollgate.server.testing.GatewayExtension;
import io.tollgate.server.testing.MetricsScrape;
import io.tollgate.server.testing.MiniLmUpstream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The semantic cache through the real server, with real paraphrase similarities: the embeddings
 * upstream runs the all-MiniLM-L6-v2 sentence-transformer in process. Paraphrases of a question are
 * answered from the cache above the threshold, unrelated and near-miss questions are not, different
 * conversations, aliases and keys never share, and a failing or slow embeddings upstream is a miss.
 */
class SemanticCacheIT {

    static final Path DATA = Path.of("target", "it-data", "semantic-" + ProcessHandle.current().pid());
    static final double THRESHOLD = 0.85;

    static {
        try {
            Files.createDirectories(DATA);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @RegisterExtension
    @Order(1)
    static final MiniLmUpstream upstream = new MiniLmUpstream();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.withConfig("""
            server: { port: 0 }
            auth: { mode: keys, admin-key: "admin-test-key" }
            providers:
              up: { type: openai, base-url: "@UPSTREAM@/v1", api-key: "sk-up" }
            models:
              faq:
                targets: [ { provider: up, model: gpt-4o-mini } ]
                retries: { max-attempts: 1 }
                cache: { semantic: { embedding-model: embed, threshold: THRESHOLD, timeout: 500ms } }
              faq-other:
                targets: [ { provider: up, model: gpt-4o-mini } ]
                cache: { semantic: { embedding-model: embed, threshold: THRESHOLD } }
              faq-strict:
                targets: [ { provider: up, model: gpt-4o-mini } ]
                cache: { semantic: { embedding-model: embed, threshold: 0.95 } }
              embed:
                targets: [ { provider: up, model: text-embedding-3-small } ]
                retries: { max-attempts: 1 }
            keys:
              - { id: main, key: "tg-test-key" }
              - { id: second, key: "tg-second-key" }
            cache: { enabled: true, ttl: 1h, scope: key }
            state: { ledger: "sqlite:DATA/ledger.db", flush-interval: 100ms }
            """.replace("THRESHOLD", Double.toString(THRESHOLD)).replace("DATA", DATA.toString())).upstream(upstream::baseUrl);

    /** Questions, and ways of asking each again. */
    static final Map<String, List<String>> PARAPHRASES = new LinkedHashMap<>();
    static {
        PARAPHRASES.put("How do I reset my password?", List.of(
                "What are the steps to reset my password?", "I forgot my password, how can I reset it?", "how do i reset my password"));
        PARAPHRASES.put("What is the capital of France?", List.of(
                "Which city is the capital of France?", "Tell me the capital city of France."));
    }

    /** Other questions, some sharing most of their words with a cached one: never answered from the cache. */
    static final List<String> UNRELATED = List.of("What is the capital of Germany?", "How do I reset my router?",
            "How do I delete my account?", "Write a haiku about autumn leaves.");

    @AfterEach
    void healthyEmbeddings() {
        upstream.embeddingsFail(false);
        upstream.embeddingsDelay(Duration.ZERO);
    }

    static String ask(String alias, String system, String question, boolean stream) {
        ObjectNode body = Json.object().put("model", alias).put("temperature", 0);
        if (stream) {
            body.put("stream", true);
        }
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", system);
        messages.addObject().put("role", "user").put("content", question);
        return body.toString();
    }

    static HttpResponse<String> call(String key, String json) throws Exception {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + key).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    static HttpResponse<String> ask(String system, String question) throws Exception {
        HttpResponse<String> r = call(GatewayExtension.KEY, ask("faq", system, question, false));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r;
    }

    static String content(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body()).at("/choices/0/message/content").asText();
    }

    static double cosine(String a, String b) {
        float[] x = MiniLmUpstream.model().embed(a).content().vector();
        float[] y = MiniLmUpstream.model().embed(b).content().vector();
        double dot = 0;
        double nx = 0;
        double ny = 0;
        for (int i = 0; i < x.length; i++) {
            dot += x[i] * y[i];
            nx += x[i] * x[i];
            ny += y[i] * y[i];
        }
        return dot / Math.sqrt(nx * ny);
    }

    @Test
    void paraphrasesAreServedFromTheCacheAndUnrelatedQuestionsAreNot() throws Exception {
        String system = "You are the help desk of Example Corp.";
        Map<String, String> answers = new LinkedHashMap<>();
        for (String question : PARAPHRASES.keySet()) {
            HttpResponse<String> first = ask(system, question);
            assertThat(first.headers().firstValue("x-gateway-cache")).hasValue("miss");
            answers.put(question, content(first));
        }
        int chatCalls = upstream.chatCalls();
        StringBuilder seen = new StringBuilder("\nsimilarity  result  question (asked first)\n");
        for (var e : PARAPHRASES.entrySet()) {
            for (String paraphrase : e.getValue()) {
                HttpResponse<String> r = ask(system, paraphrase);
                String similarity = r.headers().firstValue("x-gateway-cache-similarity").orElse("-");
                seen.append(similarity).append("      ").append(r.headers().firstValue("x-gateway-cache").orElse("?"))
                        .append("     ").append(paraphrase).append(" (").append(e.getKey()).append(")\n");
                assertThat(r.headers().firstValue("x-gateway-cache")).as(paraphrase).hasValue("hit");
                assertThat(Double.parseDouble(similarity)).as(paraphrase).isGreaterThanOrEqualTo(THRESHOLD).isLessThanOrEqualTo(1.0);
                assertThat(content(r)).as("the answer first given to '" + e.getKey() + "'").isEqualTo(answers.get(e.getKey()));
            }
        }
        assertThat(upstream.chatCalls()).as("no paraphrase reached the upstream").isEqualTo(chatCalls);

        for (String question : UNRELATED) {
            double best = PARAPHRASES.keySet().stream().mapToDouble(q -> cosine(q, question)).max().orElseThrow();
            HttpResponse<String> r = ask(system, question);
            seen.append(String.format(java.util.Locale.ROOT, "%.4f", best)).append("      ")
                    .append(r.headers().firstValue("x-gateway-cache").orElse("?")).append("    ").append(question).append('\n');
            assertThat(best).as(question).isLessThan(THRESHOLD);
            assertThat(r.headers().firstValue("x-gateway-cache")).as(question).hasValue("miss");
            assertThat(content(r)).as(question).endsWith("to: " + question);
        }
        System.out.println(seen);   // the numbers docs/caching.md quotes

        String metrics = gateway.get("/metrics", null).body();
        assertThat(metrics).contains("gateway_cache_lookups_total{result=\"semantic_hit\"}", "gateway_cache_semantic_entries",
                "gateway_cache_semantic_bytes", "gateway_cache_semantic_similarity_bucket{le=\"0.9\"}");
    }

    @Test
    void aHitCostsNothingAndTheEmbeddingIsBilledToTheCaller() throws Exception {
        String system = "You are the billing assistant.";
        HttpResponse<String> first = ask(system, "How much does the pro plan cost?");
        HttpResponse<String> hit = ask(system, "What is the price of the pro plan?");
        assertThat(hit.headers().firstValue("x-gateway-cache")).hasValue("hit");
        String hitId = hit.headers().firstValue("x-request-id").orElseThrow();
        String missId = first.headers().firstValue("x-request-id").orElseThrow();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Map<String, Row> rows = ledger();
            assertThat(rows).containsKeys(missId, hitId, missId + ":semantic-cache", hitId + ":semantic-cache");
            // gpt-4o-mini: 1000 input at $0.15/M + 500 output at $0.60/M
            assertThat(rows.get(missId).costUsd()).isEqualTo(0.00045);
            assertThat(rows.get(hitId)).isEqualTo(new Row("main", "faq", "semantic_hit", 0.0, 0.00045));
            Row embedding = rows.get(hitId + ":semantic-cache");
            assertThat(embedding.keyId()).isEqualTo("main");
            assertThat(embedding.alias()).isEqualTo("embed");
            assertThat(embedding.costUsd()).as("text-embedding-3-small, $0.02/M tokens").isPositive().isLessThan(0.000001);
        });
    }

    @Test
    void differentConversationsAliasesAndKeysNeverShare() throws Exception {
        String question = "Can I get a refund after 30 days?";
        String paraphrase = "Is a refund possible after thirty days?";
        assertThat(cosine(question, paraphrase)).as("the pair is a paraphrase for this model").isGreaterThanOrEqualTo(THRESHOLD);
        ask("You are the refunds desk.", question);

        assertThat(ask("You are the refunds desk.", paraphrase).headers().firstValue("x-gateway-cache")).hasValue("hit");
        assertThat(ask("You are a pirate.", paraphrase).headers().firstValue("x-gateway-cache")).as("other system prompt").hasValue("miss");
        assertThat(call(GatewayExtension.KEY, ask("faq-other", "You are the refunds desk.", paraphrase, false))
                .headers().firstValue("x-gateway-cache")).as("other alias").hasValue("miss");
        assertThat(call("tg-second-key", ask("faq", "You are the refunds desk.", paraphrase, false))
                .headers().firstValue("x-gateway-cache")).as("other key (scope: key)").hasValue("miss");

        HttpResponse<String> streamed = call(GatewayExtension.KEY, ask("faq", "You are the refunds desk.", paraphrase, true));
        assertThat(streamed.headers().firstValue("x-gateway-cache")).hasValue("hit");
        assertThat(streamed.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        assertThat(streamed.body()).contains("to: " + question).endsWith("data: [DONE]\n\n");
    }

    @Test
    void aFailingOrSlowEmbeddingsUpstreamIsAMissAndTheRequestIsServed() throws Exception {
        String system = "You are the outage desk.";
        upstream.embeddingsFail(true);
        HttpResponse<String> failed = ask(system, "Is the service down?");
        assertThat(failed.headers().firstValue("x-gateway-cache")).hasValue("miss");
        assertThat(content(failed)).endsWith("to: Is the service down?");

        upstream.embeddingsFail(false);
        upstream.embeddingsDelay(Duration.ofSeconds(3));
        long start = System.nanoTime();
        HttpResponse<String> slow = ask(system, "Is there an outage right now?");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the 500ms timeout, not the 3s upstream").isLessThan(Duration.ofMillis(2500));
        assertThat(slow.headers().firstValue("x-gateway-cache")).hasValue("miss");
        assertThat(content(slow)).endsWith("to: Is there an outage right now?");

        String metrics = gateway.get("/metrics", null).body();
        assertThat(metrics).contains("gateway_cache_semantic_errors_total{reason=\"error\"}", "gateway_cache_semantic_errors_total{reason=\"timeout\"}");
        assertThat(MetricsScrape.value(metrics, "gateway_cache_semantic_errors_total{reason=\"error\"}")).isGreaterThanOrEqualTo(1);
        assertThat(MetricsScrape.value(metrics, "gateway_cache_semantic_errors_total{reason=\"timeout\"}")).isGreaterThanOrEqualTo(1);
    }

    /**
     * The trade-off docs/caching.md describes: questions that differ in a negation or a number score
     * like paraphrases, so the threshold alone decides whether they get each other's answers.
     */
    @Test
    void confusableQuestionsAreSeparatedOnlyByAHighEnoughThreshold() throws Exception {
        String system = "You are the security desk.";
        String[][] pairs = {
                {"How do I enable two-factor authentication?", "How do I disable two-factor authentication?"},
                {"Convert 10 miles to kilometers.", "Convert 12 miles to kilometers."}};
        StringBuilder seen = new StringBuilder("\nconfusable pairs: similarity, then x-gateway-cache at 0.85 and at 0.95\n");
        for (String[] pair : pairs) {
            double similarity = cosine(pair[0], pair[1]);
            assertThat(similarity).as("scores like a paraphrase").isBetween(THRESHOLD, 0.95);
            call(GatewayExtension.KEY, ask("faq", system, pair[0], false));
            call(GatewayExtension.KEY, ask("faq-strict", system, pair[0], false));
            HttpResponse<String> lenient = call(GatewayExtension.KEY, ask("faq", system, pair[1], false));
            HttpResponse<String> strict = call(GatewayExtension.KEY, ask("faq-strict", system, pair[1], false));
            seen.append(String.format(java.util.Locale.ROOT, "%.4f", similarity)).append("  ")
                    .append(lenient.headers().firstValue("x-gateway-cache").orElse("?")).append("  ")
                    .append(strict.headers().firstValue("x-gateway-cache").orElse("?")).append("  ")
                    .append(pair[1]).append(" / ").append(pair[0]).append('\n');
            assertThat(lenient.headers().firstValue("x-gateway-cache")).as("a wrong answer at 0.85").hasValue("hit");
            assertThat(content(lenient)).endsWith("to: " + pair[0]);
            assertThat(strict.headers().firstValue("x-gateway-cache")).as("kept apart at 0.95").hasValue("miss");
            assertThat(content(strict)).endsWith("to: " + pair[1]);
        }
        String cancel = "How do I cancel my subscription?";
        String reworded = "I want to cancel my plan, how do I do that?";
        seen.append(String.format(java.util.Locale.ROOT, "%.4f", cosine(cancel, reworded))).append("  a rewording missed at any safe threshold: ")
                .append(reworded).append(" / ").append(cancel).append('\n');
        assertThat(cosine(cancel, reworded)).isLessThan(0.75);
        System.out.println(seen);
    }

    record Row(String keyId, String alias, String cache, double costUsd, double costSavedUsd) {}

    static Map<String, Row> ledger() throws Exception {
        Map<String, Row> rows = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + DATA.resolve("ledger.db"));
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT request_id, key_id, alias, cache_status, cost_usd, cost_saved_usd FROM gateway_requests")) {
            while (rs.next()) {
                rows.put(rs.getString(1), new Row(rs.getString(2), rs.getString(3), rs.getString(4), rs.getDouble(5), rs.getDouble(6)));
            }
        }
        return rows;
    }
}
