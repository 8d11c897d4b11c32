package io.tollgate.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.core.api.OpenAiCodec;
import io.tollgate.core.config.ConfigLoader;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.filter.DefaultExchange;
import io.tollgate.core.filter.DefaultFilterServices;
import io.tollgate.core.filter.FilterChain;
import io.tollgate.core.filter.ResponseSink;
import io.tollgate.core.filter.Terminal;
import io.tollgate.core.filter.Ticker;
import io.tollgate.core.guardrail.GuardrailFilterFactory;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.StreamChunk;
import io.tollgate.core.provider.SseDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Output guardrails on a whole 24-event chat stream (22 text deltas), through the filter chain: what
 * {@code block} (a sliding window per choice) and {@code redact} (rewriting in flight, every built-in
 * detector) add per stream over no guardrail. Divide by 24 for the cost per chunk. {@code prose} is the
 * recorded answer, which has no digit or {@code @}, so the detectors' shape checks skip most patterns;
 * {@code numbers} puts a decimal number in every delta, so after four deltas every digit detector runs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StreamGuardrailBenchmark {

    private static final String DETECTORS = "[email, phone, credit-card, us-ssn, ipv4, aws-access-key, private-key]";

    @Param({"none", "block", "redact"})
    public String action;

    @Param({"prose", "numbers"})
    public String text;

    private final byte[] request = MockUpstream.resource("request-stream.json");
    private final List<StreamChunk> chunks = new ArrayList<>();
    private DefaultFilterServices services;
    private FilterChain chain;

    private final ResponseSink sink = new DiscardingSink();

    @Setup(Level.Trial)
    public void setUp() {
        SseDecoder decoder = new SseDecoder();
        String sse = new String(MockUpstream.resource("chat-completion-stream.sse"), StandardCharsets.UTF_8);
        if (text.equals("numbers")) {
            sse = sse.replace("\"content\":\" ", "\"content\":\" 10.24 ");
        }
        decoder.feed(ByteBuffer.wrap(sse.getBytes(StandardCharsets.UTF_8)), (event, data) -> {
            if (!new String(data, StandardCharsets.UTF_8).equals("[DONE]")) {
                chunks.add(StreamChunk.of(data));
            }
        });
        String guardrails = action.equals("none") ? ""
                : "guardrails: [ { name: pii, stage: output, action: " + action + ", match: " + DETECTORS + " } ]";
        GatewayConfig config = ConfigLoader.parse("""
                providers: { mock: { type: mock } }
                models: { gpt-4o-mini: { targets: [ { provider: mock, model: gpt-4o-mini } ] } }
                """ + guardrails, "bench.yaml").orThrow();
        services = new DefaultFilterServices(new SimpleMeterRegistry(), Ticker.system(), Clock.systemUTC());
        Terminal replay = (ex, out) -> {
            out.streamStart(GatewayResponse.streaming(200, MutableHeaders.of("content-type", "text/event-stream")));
            chunks.forEach(out::chunk);
            out.streamEnd();
        };
        chain = FilterChain.build(config, List.of(new GuardrailFilterFactory()), services, replay, List.of());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        services.close();
    }

    @Benchmark
    public void wholeStream() {
        var parsed = OpenAiCodec.INSTANCE.decode(ApiKind.CHAT_COMPLETIONS, request);
        chain.execute(new DefaultExchange("req-bench", parsed, MutableHeaders.of(), Runnable::run, Ticker.system()), sink);
    }
}
