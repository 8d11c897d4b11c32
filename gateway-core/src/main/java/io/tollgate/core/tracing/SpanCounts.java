package io.tollgate.core.tracing;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InternalTelemetryVersion;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * What became of the spans the gateway ended, as {@code gateway_tracing_spans_total{outcome}}: {@code exported},
 * {@code failed} (the collector refused them or did not answer in time) and {@code dropped} (the queue was full,
 * so they were never sent). Exports are counted by wrapping the exporter; drops only the SDK's batch processor
 * sees, and it reports them to an OpenTelemetry meter provider, whose counter is read here at each scrape. One
 * instance per process, so the counts run on across the SDKs a reload builds.
 */
final class SpanCounts {

    /** The batch processor's drop counter in its {@link InternalTelemetryVersion#LEGACY} form, pinned so its name is stable. */
    static final InternalTelemetryVersion PROCESSOR_TELEMETRY = InternalTelemetryVersion.LEGACY;
    private static final String PROCESSED = "processedSpans";
    private static final AttributeKey<Boolean> DROPPED = AttributeKey.booleanKey("dropped");

    private final LongAdder exported = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final PullReader reader = new PullReader();
    private final SdkMeterProvider processorMeters = SdkMeterProvider.builder().registerMetricReader(reader).build();

    SpanCounts(MeterRegistry registry) {
        counter(registry, "exported", exported, LongAdder::sum);
        counter(registry, "failed", failed, LongAdder::sum);
        counter(registry, "dropped", reader, r -> r.sum(PROCESSED, p -> Boolean.TRUE.equals(p.getAttributes().get(DROPPED))));
    }

    private static <T> void counter(MeterRegistry registry, String outcome, T source, ToDoubleFunction<T> count) {
        FunctionCounter.builder("gateway.tracing.spans", source, count)
                .description("Spans the gateway ended, by what became of them: exported, failed (refused or timed out), dropped (queue full)")
                .tag("outcome", outcome)
                .register(registry);
    }

    /** Where the batch processors report what they process and drop. */
    MeterProvider processorMeters() {
        return processorMeters;
    }

    /** {@code exporter}, with each batch's spans counted as exported or failed once its export completes. */
    SpanExporter counting(SpanExporter exporter) {
        return new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                int n = spans.size();
                CompletableResultCode result = exporter.export(spans);
                result.whenComplete(() -> (result.isSuccess() ? exported : failed).add(n));
                return result;
            }

            @Override
            public CompletableResultCode flush() {
                return exporter.flush();
            }

            @Override
            public CompletableResultCode shutdown() {
                return exporter.shutdown();
            }

            @Override
            public String toString() {
                return exporter.toString();
            }
        };
    }

    /** Collects the meter provider's metrics when asked (at a scrape), and never on its own. */
    private static final class PullReader implements MetricReader {
        private volatile CollectionRegistration registration = CollectionRegistration.noop();

        @Override
        public void register(CollectionRegistration registration) {
            this.registration = registration;
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType type) {
            return AggregationTemporality.CUMULATIVE;
        }

        double sum(String metric, Predicate<LongPointData> points) {
            long sum = 0;
            for (MetricData m : registration.collectAllMetrics()) {
                if (m.getName().equals(metric)) {
                    for (LongPointData p : m.getLongSumData().getPoints()) {
                        if (points.test(p)) {
                            sum += p.getValue();
                        }
                    }
                }
            }
            return sum;
        }

        @Override
        public CompletableResultCode forceFlush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
