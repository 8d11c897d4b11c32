package io.tollgate.core.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.core.config.FilterSettings;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.Completion;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.StreamChunk;
import io.tollgate.core.testing.TestExchange;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class FilterChainAbortTest {

    private static FilterChain.Entry entry(String type, int order, GatewayFilter f) {
        return new FilterChain.Entry(type, order, f, new SimpleMeterRegistry().timer("t"), FilterSettings.DEFAULT);
    }

    @Test
    void aHookAbortEndsTheStreamWithAnErrorAndCancelsTheUpstream() {
        List<Completion> outer = new ArrayList<>();
        List<Completion> aborting = new ArrayList<>();
        boolean[] upstreamCancelled = {false};
        int[] produced = {0};
        ResponseHook abortOnThird = new ResponseHook() {
            int seen;

            @Override
            public @Nullable StreamChunk onChunk(Exchange ex, StreamChunk chunk) {
                if (++seen == 3) {
                    ex.abort(GatewayError.of(ErrorCode.BUDGET_EXCEEDED, "stop"));
                    return null;
                }
                return chunk;
            }

            @Override
            public void onComplete(Exchange ex, Completion completion) {
                aborting.add(completion);
            }
        };
        ResponseHook outerHook = new ResponseHook() {
            @Override
            public void onComplete(Exchange ex, Completion completion) {
                outer.add(completion);
            }
        };
        Terminal streamingRouter = (ex, sink) -> {
            ex.onCancel(() -> upstreamCancelled[0] = true);
            sink.streamStart(GatewayResponse.streaming(200, MutableHeaders.of()));
            for (int i = 0; i < 10 && !ex.isCancelled(); i++) {
                produced[0]++;
                sink.chunk(StreamChunk.of(("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
            }
            sink.streamEnd(); // a late end after the abort is ignored
        };
        FilterChain chain = new FilterChain(List.of(
                entry("outer", 100, ex -> FilterDecision.proceed(outerHook)),
                entry("cap", 500, ex -> FilterDecision.proceed(abortOnThird))), streamingRouter, List.of());
        DefaultExchange ex = TestExchange.chat("chat", "hi");
        RecordingSink client = new RecordingSink();

        chain.execute(ex, client);

        assertThat(client.events).containsExactly("start", "chunk", "chunk", "fail 402");
        assertThat(client.error.code()).isEqualTo("budget_exceeded");
        assertThat(upstreamCancelled[0]).isTrue();
        assertThat(produced[0]).isEqualTo(3);
        assertThat(aborting).singleElement().satisfies(c -> assertThat(c.error().code()).isEqualTo("budget_exceeded"));
        assertThat(outer).singleElement().satisfies(c -> assertThat(c.outcome()).isEqualTo(Completion.Outcome.ERROR));
        assertThat(ex.isAborted()).isTrue();
        assertThat(ex.record().errorCode()).isEqualTo("budget_exceeded");

        ex.abort(GatewayError.of(ErrorCode.BUDGET_EXCEEDED, "again")); // ignored
        assertThat(client.events).hasSize(4);
    }

    @Test
    void abortAfterTheClientLeftDoesNothing() {
        DefaultExchange ex = TestExchange.chat("chat", "hi");
        List<GatewayError> aborted = new ArrayList<>();
        ex.onAbort(aborted::add);
        ex.cancel();
        ex.abort(GatewayError.of(ErrorCode.BUDGET_EXCEEDED, "late"));
        assertThat(aborted).isEmpty();
    }
}
