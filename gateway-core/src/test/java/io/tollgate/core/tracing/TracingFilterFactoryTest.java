package io.tollgate.core.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import io.tollgate.core.config.ConfigLoader;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.filter.DefaultFilterServices;
import io.tollgate.core.filter.FilterDecision;
import io.tollgate.core.filter.GatewayFilter;
import io.tollgate.core.filter.ResponseHook;
import io.tollgate.core.model.Completion;
import io.tollgate.core.testing.TestExchange;
import io.tollgate.core.testing.TestFilterServices;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One SDK across config versions: built when the section first turns on or changes, retired when it turns off, flushed at shutdown. */
class TracingFilterFactoryTest {

    final DefaultFilterServices services = TestFilterServices.create();
    final List<RecordingExporter> exporters = new ArrayList<>();

    /** Keeps what it exported after shutdown (the SDK's in-memory exporter clears itself then). */
    static class RecordingExporter implements SpanExporter {
        final List<SpanData> exported = new CopyOnWriteArrayList<>();
        volatile boolean stopped;

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            exported.addAll(spans);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            stopped = true;
            return CompletableResultCode.ofSuccess();
        }
    }
    final TracingFilterFactory factory = new TracingFilterFactory();

    @AfterEach
    void close() {
        services.close();
    }

    private void inMemory() {
        services.shared(TracerProviders.class, () -> new TracerProviders(services.scheduler(), services.meterRegistry(), c -> {
            RecordingExporter e = new RecordingExporter();
            exporters.add(e);
            return e;
        }));
    }

    private static GatewayConfig config(String tracing) {
        return ConfigLoader.parse("tracing: " + tracing + "\n", "test.yaml", Map.<String, String>of()::get).orThrow();
    }

    /** Runs one request through {@code filter} alone, so it ends one server span. */
    private static void serve(GatewayFilter filter) {
        var ex = TestExchange.chat("chat", "hi");
        FilterDecision d = TestExchange.decide(filter, ex);
        ResponseHook hook = ((FilterDecision.Proceed) d).hook();
        ex.record().status(200);
        hook.onComplete(ex, Completion.SUCCESS);
    }

    @Test
    void offMeansNoFilterAndNoSdk() {
        assertThat(factory.create(GatewayConfig.empty(), services)).isNull();
        assertThat(factory.create(config("{ enabled: false, sample-ratio: 0.5 }"), services)).isNull();
        assertThat(services.existing(TracerProviders.class)).isNull();
    }

    @Test
    void reloadsWithTheSameSectionShareOneExporterAndAChangeBuildsANewOne() {
        inMemory();
        GatewayFilter v1 = factory.create(config("{ enabled: true }"), services);
        GatewayFilter v2 = factory.create(config("{ enabled: true }"), services);
        assertThat(v1).isNotNull().isNotSameAs(v2);
        assertThat(exporters).hasSize(1);

        GatewayFilter v3 = factory.create(config("{ enabled: true, service-name: tollgate-eu }"), services);
        assertThat(v3).isNotNull();
        assertThat(exporters).hasSize(2);
        // the old one still serves requests that started on the old version, until it is retired for good
        assertThat(exporters.getFirst().stopped).isFalse();

        services.close();
        assertThat(exporters).allSatisfy(e -> assertThat(e.stopped).isTrue());
    }

    @Test
    void turningTracingOffRetiresTheSdkAndTurningItOnBuildsAnother() {
        inMemory();
        factory.create(config("{ enabled: true }"), services);
        assertThat(factory.create(config("{ enabled: false }"), services)).isNull();
        assertThat(factory.create(config("{ enabled: true }"), services)).isNotNull();
        assertThat(exporters).hasSize(2);
    }

    @Test
    void shutdownExportsTheSpansStillQueued() {
        inMemory();
        GatewayFilter filter = factory.create(config("{ enabled: true, export-interval: 1h }"), services);
        serve(filter);
        assertThat(exporters.getFirst().exported).isEmpty();   // waiting for its batch

        services.close();

        assertThat(exporters.getFirst().exported).singleElement()
                .satisfies(s -> assertThat(s.getResource().getAttribute(io.opentelemetry.api.common.AttributeKey.stringKey("service.name")))
                        .isEqualTo("tollgate"));
    }

    private double spans(String outcome) {
        return services.meterRegistry().get("gateway.tracing.spans").tag("outcome", outcome).functionCounter().count();
    }

    private void flush() {
        assertThat(services.existing(TracerProviders.class).forceFlush().join(5, TimeUnit.SECONDS).isSuccess()).isTrue();
    }

    @Test
    void countsExportedAndFailedSpans() {
        AtomicBoolean collectorUp = new AtomicBoolean(true);
        services.shared(TracerProviders.class, () -> new TracerProviders(services.scheduler(), services.meterRegistry(), c -> new RecordingExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                return collectorUp.get() ? super.export(spans) : CompletableResultCode.ofFailure();
            }
        }));
        GatewayFilter filter = factory.create(config("{ enabled: true, export-interval: 1h }"), services);
        serve(filter);
        serve(filter);
        flush();
        collectorUp.set(false);
        serve(filter);
        services.existing(TracerProviders.class).forceFlush().join(5, TimeUnit.SECONDS);

        assertThat(spans("exported")).isEqualTo(2);
        assertThat(spans("failed")).isEqualTo(1);
        assertThat(spans("dropped")).isZero();
    }

    @Test
    void countsSpansDroppedBecauseTheQueueWasFull() throws InterruptedException {
        CountDownLatch collectorSlow = new CountDownLatch(1);
        services.shared(TracerProviders.class, () -> new TracerProviders(services.scheduler(), services.meterRegistry(), c -> new RecordingExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                try {
                    collectorSlow.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.export(spans);
            }
        }));
        GatewayFilter filter = factory.create(config("{ enabled: true, queue-size: 1 }"), services);
        for (int i = 0; i < 5; i++) {
            serve(filter);   // the export thread waits on the first batch: one more span fits in the queue
        }
        collectorSlow.countDown();
        flush();

        assertThat(spans("dropped")).isBetween(3.0, 4.0);
        assertThat(spans("exported") + spans("dropped")).isEqualTo(5);
        assertThat(spans("failed")).isZero();
    }
}
