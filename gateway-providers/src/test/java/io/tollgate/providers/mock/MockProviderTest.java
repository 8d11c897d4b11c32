package io.tollgate.providers.mock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.api.OpenAiCodec;
import io.tollgate.core.config.ProviderConfig;
import io.tollgate.core.config.TimeoutConfig;
import io.tollgate.core.error.FailureClass;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.filter.DefaultFilterServices;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.StreamChunk;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.provider.ProviderAdapter;
import io.tollgate.core.provider.StreamTranslator;
import io.tollgate.core.testing.FakeTicker;
import io.tollgate.core.testing.TestExchange;
import io.tollgate.core.testing.TestFilterServices;
import io.tollgate.core.upstream.UpstreamCall;
import io.tollgate.core.upstream.UpstreamFailure;
import io.tollgate.core.upstream.UpstreamListener;
import io.tollgate.core.upstream.UpstreamRequest;
import io.tollgate.providers.openai.CollectingSink;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MockProviderTest {

    private final DefaultFilterServices services = TestFilterServices.create();
    private final ProviderAdapter mock = new MockProviderFactory().create("mock", ProviderConfig.of("mock", null, ""), services);

    @AfterEach
    void close() {
        services.close();
    }

    /** Everything the transport told the listener. */
    static final class Recorder implements UpstreamListener {
        int status;
        @Nullable Headers headers;
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final List<byte[]> reads = new ArrayList<>();
        boolean ended;
        @Nullable UpstreamFailure failure;
        final CountDownLatch done = new CountDownLatch(1);

        @Override public void onHead(int status, Headers headers) { this.status = status; this.headers = headers; }
        @Override public void onBody(ByteBuffer bytes) {
            byte[] b = new byte[bytes.remaining()];
            bytes.get(b);
            reads.add(b);
            body.writeBytes(b);
        }
        @Override public void onEnd() { ended = true; done.countDown(); }
        @Override public void onFailure(UpstreamFailure failure) { this.failure = failure; done.countDown(); }
    }

    private Recorder call(GatewayRequest request, String model, Headers clientHeaders, TimeoutConfig timeouts) throws InterruptedException {
        UpstreamRequest up = mock.toUpstream(request, model);
        Recorder r = new Recorder();
        mock.localTransport().send(TestExchange.of(request, clientHeaders, new FakeTicker()), up, timeouts, r);
        assertThat(r.done.await(5, TimeUnit.SECONDS)).as("the mock answered").isTrue();
        return r;
    }

    private Recorder call(GatewayRequest request, String model) throws InterruptedException {
        return call(request, model, Headers.EMPTY, TimeoutConfig.DEFAULT);
    }

    private static GatewayRequest chat(String body) {
        return OpenAiCodec.INSTANCE.decode(ApiKind.CHAT_COMPLETIONS, body.getBytes(StandardCharsets.UTF_8));
    }

    private static final String HELLO = "{\"model\":\"chat\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
            + "{\"role\":\"user\",\"content\":\"What is the capital of France and why is it famous for its bridges?\"}]}";

    @Test
    void unaryChatIsDeterministicAndShapedLikeOpenAi() throws Exception {
        GatewayRequest req = chat(HELLO);
        Recorder first = call(req, "mock-chat");
        Recorder second = call(req, "mock-chat");
        assertThat(first.status).isEqualTo(200);
        assertThat(first.ended).isTrue();
        assertThat(first.body.toByteArray()).isEqualTo(second.body.toByteArray());
        JsonNode json = Json.parse(first.body.toByteArray());
        assertThat(json.path("object").asText()).isEqualTo("chat.completion");
        assertThat(json.path("id").asText()).startsWith("chatcmpl-mock-");
        assertThat(json.path("model").asText()).isEqualTo("mock-chat");
        assertThat(json.path("created").asLong()).isEqualTo(services.clock().instant().getEpochSecond());
        assertThat(json.path("choices").path(0).path("message").path("content").asText())
                .isEqualTo("Mock answer to: What is the capital of France and why is");
        assertThat(json.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
        GatewayResponse res = mock.fromUpstream(req, first.status, first.headers, first.body.toByteArray());
        // prompt: 2 + 14 words; answer: 3 + 9 words (the first 40 characters of the question)
        assertThat(res.usage()).isEqualTo(TokenUsage.of(16, 12));
        assertThat(first.headers.get("content-type")).isEqualTo("application/json");
    }

    @Test
    void streamedChatArrivesInSeveralChunksAndItsUsageIsMeteredThenMarkedForDropping() throws Exception {
        GatewayRequest req = chat(HELLO.replace("{\"model\":\"chat\",", "{\"model\":\"chat\",\"stream\":true,"));
        Recorder r = call(req, "mock-chat");
        assertThat(r.status).isEqualTo(200);
        assertThat(r.headers.get("content-type")).startsWith("text/event-stream");
        assertThat(r.reads.size()).isGreaterThan(5);

        StreamTranslator t = mock.streamTranslator(req);
        CollectingSink sink = new CollectingSink();
        for (byte[] read : r.reads) t.feed(ByteBuffer.wrap(read), sink);
        t.end(sink);
        assertThat(sink.errors).isEmpty();
        StringBuilder text = new StringBuilder();
        for (StreamChunk c : sink.chunks) {
            if (!c.isUsageOnly()) {
                assertThat(c.json().path("object").asText()).isEqualTo("chat.completion.chunk");
                text.append(c.json().path("choices").path(0).path("delta").path("content").asText(""));
            }
        }
        assertThat(text).hasToString("Mock answer to: What is the capital of France and why is");
        StreamChunk last = sink.chunks.getLast();
        assertThat(last.isUsageOnly()).isTrue();   // the client did not ask for include_usage
        assertThat(last.usage()).isEqualTo(TokenUsage.of(16, 12));
        assertThat(sink.chunks.get(sink.chunks.size() - 2).json().path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void aClientThatAsksForUsageKeepsTheUsageChunk() throws Exception {
        GatewayRequest req = chat(HELLO.replace("{\"model\":\"chat\",", "{\"model\":\"chat\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"));
        Recorder r = call(req, "mock-chat");
        StreamTranslator t = mock.streamTranslator(req);
        CollectingSink sink = new CollectingSink();
        t.feed(ByteBuffer.wrap(r.body.toByteArray()), sink);
        t.end(sink);
        assertThat(sink.chunks.getLast().isUsageOnly()).isFalse();
        assertThat(sink.chunks.getLast().usage()).isNotNull();
        assertThat(sink.chunks.getLast().json().path("choices")).isEmpty();
        assertThat(new String(r.body.toByteArray(), StandardCharsets.UTF_8)).endsWith("data: [DONE]\n\n");
    }

    @Test
    void embeddingsAreDeterministicUnitVectorsWithUsage() throws Exception {
        GatewayRequest req = OpenAiCodec.INSTANCE.decode(ApiKind.EMBEDDINGS,
                "{\"model\":\"embed\",\"input\":[\"the quick brown fox\",\"hello\",\"the quick brown fox\"]}".getBytes(StandardCharsets.UTF_8));
        Recorder r = call(req, "mock-embedding");
        JsonNode json = Json.parse(r.body.toByteArray());
        JsonNode data = json.path("data");
        assertThat(data).hasSize(3);
        assertThat(data.path(0).path("embedding")).hasSize(MockResponses.DEFAULT_DIMENSIONS);
        assertThat(data.path(0).path("embedding")).isEqualTo(data.path(2).path("embedding"));
        assertThat(data.path(0).path("embedding")).isNotEqualTo(data.path(1).path("embedding"));
        double norm = 0;
        for (JsonNode v : data.path(1).path("embedding")) norm += v.asDouble() * v.asDouble();
        assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(mock.fromUpstream(req, 200, r.headers, r.body.toByteArray()).usage()).isEqualTo(TokenUsage.of(9, 0));
        assertThat(Json.parse(call(req, "mock-embedding").body.toByteArray())).isEqualTo(json);
    }

    @Test
    void responsesApiAnswersUnaryAndStreamedWithUsage() throws Exception {
        GatewayRequest unary = OpenAiCodec.INSTANCE.decode(ApiKind.RESPONSES,
                "{\"model\":\"r\",\"instructions\":\"Be brief.\",\"input\":\"Tell me a joke\"}".getBytes(StandardCharsets.UTF_8));
        Recorder r = call(unary, "mock-chat");
        JsonNode json = Json.parse(r.body.toByteArray());
        assertThat(json.path("object").asText()).isEqualTo("response");
        assertThat(json.path("status").asText()).isEqualTo("completed");
        assertThat(json.path("output").path(0).path("content").path(0).path("text").asText()).isEqualTo("Mock answer to: Tell me a joke");
        assertThat(mock.fromUpstream(unary, 200, r.headers, r.body.toByteArray()).usage()).isEqualTo(TokenUsage.of(6, 7));

        GatewayRequest streamed = OpenAiCodec.INSTANCE.decode(ApiKind.RESPONSES,
                "{\"model\":\"r\",\"stream\":true,\"input\":[{\"role\":\"user\",\"content\":\"Tell me a joke\"}]}".getBytes(StandardCharsets.UTF_8));
        Recorder s = call(streamed, "mock-chat");
        assertThat(new String(s.body.toByteArray(), StandardCharsets.UTF_8)).startsWith("event: response.created\ndata: {").doesNotContain("[DONE]");
        StreamTranslator t = mock.streamTranslator(streamed);
        CollectingSink sink = new CollectingSink();
        for (byte[] read : s.reads) t.feed(ByteBuffer.wrap(read), sink);
        t.end(sink);
        assertThat(sink.errors).isEmpty();
        assertThat(sink.chunks.getFirst().event()).isEqualTo("response.created");
        assertThat(sink.chunks.getFirst().usage()).isNull();
        StringBuilder text = new StringBuilder();
        sink.chunks.stream().filter(c -> "response.output_text.delta".equals(c.event())).forEach(c -> text.append(c.json().path("delta").asText()));
        assertThat(text).hasToString("Mock answer to: Tell me a joke");
        assertThat(sink.chunks.getLast().event()).isEqualTo("response.completed");
        assertThat(sink.chunks.getLast().usage()).isEqualTo(TokenUsage.of(4, 7));
        assertThat(sink.chunks.getLast().isUsageOnly()).isFalse();
    }

    @Test
    void completionsAnswerInTheLegacyShape() throws Exception {
        GatewayRequest req = OpenAiCodec.INSTANCE.decode(ApiKind.COMPLETIONS, "{\"model\":\"c\",\"prompt\":\"Say this is a test\"}".getBytes(StandardCharsets.UTF_8));
        JsonNode json = Json.parse(call(req, "mock-instruct").body.toByteArray());
        assertThat(json.path("object").asText()).isEqualTo("text_completion");
        assertThat(json.path("choices").path(0).path("text").asText()).isEqualTo("Mock answer to: Say this is a test");
    }

    @Test
    void errorsOnDemandAreClassifiedLikeRealOnes() throws Exception {
        GatewayRequest req = chat(HELLO);
        Recorder limited = call(req, "mock-error-429");
        assertThat(limited.status).isEqualTo(429);
        GatewayError e429 = mock.toError(limited.status, limited.headers, limited.body.toByteArray());
        assertThat(e429.failure()).isEqualTo(FailureClass.RATE_LIMIT);
        assertThat(e429.retryAfter()).isEqualTo(Duration.ofMillis(100));

        Recorder broken = call(req, "mock-error-500");
        GatewayError e500 = mock.toError(broken.status, broken.headers, broken.body.toByteArray());
        assertThat(e500.status()).isEqualTo(502);
        assertThat(e500.failure()).isEqualTo(FailureClass.SERVER_ERROR);

        Recorder tooLong = call(req, "mock-error-context-length");
        assertThat(mock.toError(tooLong.status, tooLong.headers, tooLong.body.toByteArray()).failure()).isEqualTo(FailureClass.CONTEXT_LENGTH);

        Recorder reset = call(req, "mock-error-reset");
        assertThat(reset.failure.kind()).isEqualTo(UpstreamFailure.Kind.CONNECTION_RESET);
        assertThat(reset.status).isZero();

        Recorder cut = call(chat(HELLO.replace("{\"model\":\"chat\",", "{\"model\":\"chat\",\"stream\":true,")), "mock-error-midstream");
        assertThat(cut.status).isEqualTo(200);
        assertThat(cut.reads).hasSize(1);
        assertThat(cut.failure.kind()).isEqualTo(UpstreamFailure.Kind.CONNECTION_RESET);
        assertThat(cut.ended).isFalse();
    }

    @Test
    void latencyHeaderDelaysTheAnswerAndALatencyPastTheFirstTokenTimeoutTimesOut() throws Exception {
        GatewayRequest req = chat(HELLO);
        long start = System.nanoTime();
        Recorder slow = call(req, "mock-chat", MutableHeaders.of("x-mock-latency-ms", "80"), TimeoutConfig.DEFAULT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(80));
        assertThat(slow.status).isEqualTo(200);

        TimeoutConfig tight = new TimeoutConfig(null, Duration.ofMillis(50), Duration.ofSeconds(1), null);
        Recorder timedOut = call(req, "mock-chat", MutableHeaders.of("x-mock-latency-ms", "10000"), tight);
        assertThat(timedOut.failure.kind()).isEqualTo(UpstreamFailure.Kind.FIRST_BYTE_TIMEOUT);
        assertThat(timedOut.status).isZero();
        Recorder hung = call(req, "mock-error-timeout", Headers.EMPTY, tight);
        assertThat(hung.failure.isTimeout()).isTrue();

        GatewayRequest streamed = chat(HELLO.replace("{\"model\":\"chat\",", "{\"model\":\"chat\",\"stream\":true,"));
        Recorder idle = call(streamed, "mock-chat", MutableHeaders.of("x-mock-chunk-delay-ms", "10000"),
                new TimeoutConfig(null, null, Duration.ofSeconds(60), Duration.ofMillis(50)));
        assertThat(idle.reads).hasSize(1);
        assertThat(idle.failure.kind()).isEqualTo(UpstreamFailure.Kind.IDLE_TIMEOUT);
        Recorder total = call(streamed, "mock-chat", MutableHeaders.of("x-mock-chunk-delay-ms", "20"),
                new TimeoutConfig(null, Duration.ofMillis(50), Duration.ofMillis(100), null));
        assertThat(total.failure.kind()).isEqualTo(UpstreamFailure.Kind.TOTAL_TIMEOUT);
        assertThat(total.reads.size()).isBetween(2, 8);
    }

    @Test
    void aCancelledCallHearsNothingMore() throws Exception {
        GatewayRequest req = chat(HELLO);
        Recorder r = new Recorder();
        UpstreamCall call = mock.localTransport().send(TestExchange.of(req, MutableHeaders.of("x-mock-latency-ms", "30"), new FakeTicker()),
                mock.toUpstream(req, "mock-chat"), TimeoutConfig.DEFAULT, r);
        call.cancel();
        assertThat(r.done.await(200, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(r.status).isZero();
    }

    @Test
    void aPausedStreamWaitsForResume() throws Exception {
        GatewayRequest req = chat(HELLO.replace("{\"model\":\"chat\",", "{\"model\":\"chat\",\"stream\":true,"));
        Recorder r = new Recorder();
        // pause from inside the first body callback, as a slow client's backpressure would
        UpstreamCall[] handle = new UpstreamCall[1];
        UpstreamListener pausing = new UpstreamListener() {
            @Override public void onHead(int status, Headers headers) { r.onHead(status, headers); }
            @Override public void onBody(ByteBuffer bytes) { r.onBody(bytes); if (r.reads.size() == 1) handle[0].pause(); }
            @Override public void onEnd() { r.onEnd(); }
            @Override public void onFailure(UpstreamFailure failure) { r.onFailure(failure); }
        };
        handle[0] = mock.localTransport().send(TestExchange.of(req, MutableHeaders.of("x-mock-latency-ms", "20"), new FakeTicker()),
                mock.toUpstream(req, "mock-chat"), TimeoutConfig.DEFAULT, pausing);
        assertThat(r.done.await(150, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(r.reads).hasSize(1);
        handle[0].resume();
        assertThat(r.done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(r.reads.size()).isGreaterThan(5);
    }

    @Test
    void mockNeedsNoKeyAndServesTheOpenAiApisItImplements() {
        assertThat(mock.isEnabled()).isTrue();
        assertThat(mock.supports(ApiKind.CHAT_COMPLETIONS)).isTrue();
        assertThat(mock.supports(ApiKind.EMBEDDINGS)).isTrue();
        assertThat(mock.supports(ApiKind.RESPONSES)).isTrue();
        assertThat(mock.supports(ApiKind.MESSAGES)).isFalse();
        assertThat(mock.localTransport()).isNotNull();
    }
}
