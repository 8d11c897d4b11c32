package io.tollgate.core.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.CopyOnWriteArrayList;
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
    static final class RecordingExporter implements SpanExporter {
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
        services.shared(TracerProviders.class, () -> new TracerProviders(services.scheduler(), c -> {
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
}
