package io.tollgate.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.output.Response;
import io.tollgate.core.model.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An OpenAI-shaped upstream whose {@code /v1/embeddings} are real: the quantized all-MiniLM-L6-v2
 * sentence-transformer (384 dimensions) runs in process through ONNX Runtime, so paraphrases really
 * are close and unrelated questions really are not. {@code /v1/chat/completions} answers
 * "Answer #n to: <last user message>", so a test can tell which call an answer came from.
 * The model loads once per JVM (about a second).
 */
public final class MiniLmUpstream implements BeforeAllCallback, AfterAllCallback {

    private static EmbeddingModel model;

    private final AtomicInteger chatCalls = new AtomicInteger();
    private final AtomicInteger embeddingCalls = new AtomicInteger();
    private volatile boolean embeddingsFail;
    private volatile Duration embeddingsDelay = Duration.ZERO;
    private HttpServer server;
    private ExecutorService executor;

    /** The shared in-process model, for tests that compare vectors themselves. */
    public static synchronized EmbeddingModel model() {
        if (model == null) {
            model = new AllMiniLmL6V2QuantizedEmbeddingModel();
        }
        return model;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        model();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        executor = Executors.newFixedThreadPool(4);
        server.setExecutor(executor);
        server.createContext("/v1/embeddings", this::embeddings);
        server.createContext("/v1/chat/completions", this::chat);
        server.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int chatCalls() {
        return chatCalls.get();
    }

    public int embeddingCalls() {
        return embeddingCalls.get();
    }

    /** Answer embeddings with a 500 from now on (or not). */
    public void embeddingsFail(boolean fail) {
        this.embeddingsFail = fail;
    }

    /** Wait this long before answering embeddings. */
    public void embeddingsDelay(Duration delay) {
        this.embeddingsDelay = delay;
    }

    private void embeddings(HttpExchange http) throws IOException {
        embeddingCalls.incrementAndGet();
        JsonNode req = Json.parse(http.getRequestBody().readAllBytes());
        if (embeddingsFail) {
            reply(http, 500, "{\"error\":{\"message\":\"embeddings are down\",\"type\":\"server_error\"}}");
            return;
        }
        sleep(embeddingsDelay);
        List<String> inputs = new ArrayList<>();
        if (req.path("input").isArray()) {
            req.path("input").forEach(i -> inputs.add(i.asText()));
        } else {
            inputs.add(req.path("input").asText());
        }
        Response<List<dev.langchain4j.data.embedding.Embedding>> r = model().embedAll(inputs.stream().map(TextSegment::from).toList());
        ObjectNode body = Json.object().put("object", "list").put("model", req.path("model").asText());
        ArrayNode data = body.putArray("data");
        for (int i = 0; i < r.content().size(); i++) {
            ArrayNode vector = data.addObject().put("object", "embedding").put("index", i).putArray("embedding");
            for (float x : r.content().get(i).vector()) {
                vector.add(x);
            }
        }
        int tokens = r.tokenUsage() != null && r.tokenUsage().inputTokenCount() != null ? r.tokenUsage().inputTokenCount() : inputs.size();
        body.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        reply(http, 200, body.toString());
    }

    private void chat(HttpExchange http) throws IOException {
        int n = chatCalls.incrementAndGet();
        JsonNode req = Json.parse(http.getRequestBody().readAllBytes());
        JsonNode messages = req.path("messages");
        String question = messages.path(messages.size() - 1).path("content").asText();
        ObjectNode body = Json.object().put("id", "chatcmpl-" + n).put("object", "chat.completion").put("created", 1)
                .put("model", req.path("model").asText());
        body.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop")
                .putObject("message").put("role", "assistant").put("content", "Answer #" + n + " to: " + question);
        body.putObject("usage").put("prompt_tokens", 1000).put("completion_tokens", 500).put("total_tokens", 1500);
        reply(http, 200, body.toString());
    }

    private static void reply(HttpExchange http, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        http.getResponseHeaders().set("content-type", "application/json");
        http.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = http.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
