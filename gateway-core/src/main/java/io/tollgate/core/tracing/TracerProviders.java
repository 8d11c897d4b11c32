package io.tollgate.core.tracing;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.tollgate.core.config.TracingConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenTelemetry SDK behind the {@code tracing:} section, shared across config versions
 * ({@code FilterServices.shared}): a reload with the same section reuses the exporter, its batch
 * thread and its connection; a changed section builds a new one and retires the old after
 * {@link #RETIRE_AFTER}, so spans of requests still running on the old version are still sent.
 * Everything is shut down (and flushed) when the gateway stops.
 *
 * <p>Spans go through a {@link BatchSpanProcessor}: {@code span.end()} on an event loop only offers
 * the span to a bounded queue (dropped when full, never waited for); the processor's own thread
 * exports batches over HTTP with the JDK's client.
 */
final class TracerProviders implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TracerProviders.class);

    /** Longer than most requests take; a stream longer than this loses only its gateway span. */
    static final Duration RETIRE_AFTER = Duration.ofMinutes(2);

    /** One built SDK: the section it was built from and its provider. */
    private record Active(TracingConfig config, SdkTracerProvider provider, Tracer tracer) {}

    private final ScheduledExecutorService scheduler;
    private final Function<TracingConfig, SpanExporter> exporters;
    private final SpanCounts counts;
    private @Nullable Active active;
    private final List<SdkTracerProvider> retiring = new ArrayList<>();
    private boolean closed;

    /** Exports with OTLP over HTTP (protobuf) to each section's endpoint; counts what became of the spans in {@code registry}. */
    TracerProviders(ScheduledExecutorService scheduler, MeterRegistry registry) {
        this(scheduler, registry, TracerProviders::otlpExporter);
    }

    /** With another exporter (tests: in memory). */
    TracerProviders(ScheduledExecutorService scheduler, MeterRegistry registry, Function<TracingConfig, SpanExporter> exporters) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.exporters = Objects.requireNonNull(exporters, "exporters");
        this.counts = new SpanCounts(registry);
        OtelLogBridge.install();
    }

    /** The tracer for {@code config}: the one already built when the section did not change. */
    synchronized Tracer tracer(TracingConfig config) {
        if (closed) {
            throw new IllegalStateException("tracing is shut down");
        }
        if (active != null && active.config().equals(config)) {
            return active.tracer();
        }
        retire();
        SdkTracerProvider provider = build(config, counts.counting(exporters.apply(config)), counts);
        active = new Active(config, provider, provider.get("io.tollgate.gateway", Versions.gateway()));
        log.info("tracing: exporting to {} as service '{}', sampling {} of new traces", config.endpoint(), config.serviceName(), config.sampleRatio());
        return active.tracer();
    }

    /** Tracing was switched off by a reload: the SDK in use stops once the requests on it are done. */
    synchronized void retire() {
        Active a = active;
        if (a == null) {
            return;
        }
        active = null;
        retiring.add(a.provider());
        try {
            scheduler.schedule(() -> shutdown(a.provider()), RETIRE_AFTER.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            shutdown(a.provider());   // the gateway is stopping: close() is near
        }
    }

    private void shutdown(SdkTracerProvider provider) {
        synchronized (this) {
            if (!retiring.remove(provider)) {
                return;   // close() got it first
            }
        }
        // not joined: this runs on the shared scheduler, whose tasks must not block; the batch thread exports the rest
        provider.shutdown();
    }

    /**
     * Sends what is queued now (tests; an orderly stop does this through {@link #close()}).
     *
     * <p>The SDK's batch processor completes a flush's result before it clears its pending-flush slot, so a
     * flush asked for just after another can be handed that one's finished result and export nothing. A
     * result already complete when returned is such a stale one: ask again until the worker takes the request.
     */
    CompletableResultCode forceFlush() {
        Active a;
        synchronized (this) {
            a = active;
        }
        if (a == null) {
            return CompletableResultCode.ofSuccess();
        }
        // The batch thread clears the slot right after completing the result, unless the woken caller took its
        // CPU first: wait for it by the clock, not by a count of tries.
        long deadline = System.nanoTime() + STALE_FLUSH_WAIT.toNanos();
        CompletableResultCode result = a.provider().forceFlush();
        while (result.isDone() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(50_000);
            result = a.provider().forceFlush();
        }
        return result;
    }

    private static final Duration STALE_FLUSH_WAIT = Duration.ofSeconds(1);

    /** Flushes and stops every provider: the spans still queued are exported (within their timeout). */
    @Override
    public void close() {
        List<SdkTracerProvider> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            if (active != null) {
                all.add(active.provider());
                active = null;
            }
            all.addAll(retiring);
            retiring.clear();
        }
        List<CompletableResultCode> results = new ArrayList<>();
        for (SdkTracerProvider p : all) {
            results.add(p.shutdown());
        }
        CompletableResultCode.ofAll(results).join(15, TimeUnit.SECONDS);
    }

    static SdkTracerProvider build(TracingConfig config, SpanExporter exporter, SpanCounts counts) {
        AttributesBuilder resource = Attributes.builder();
        config.resourceAttributes().forEach(resource::put);
        resource.put("service.name", config.serviceName());
        resource.put("service.version", Versions.gateway());
        return SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(resource.build())))
                .setSampler(sampler(config))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter)
                        .setScheduleDelay(config.exportInterval())
                        .setMaxQueueSize(config.queueSize())
                        .setMaxExportBatchSize(Math.min(512, config.queueSize()))
                        .setExporterTimeout(config.timeout())
                        .setMeterProvider(counts.processorMeters())
                        .setInternalTelemetryVersion(SpanCounts.PROCESSOR_TELEMETRY)
                        .build())
                .build();
    }

    /** A caller's sampled flag decides for its trace; a new trace is recorded with probability {@code sample-ratio}. */
    static Sampler sampler(TracingConfig config) {
        return Sampler.parentBased(Sampler.traceIdRatioBased(config.sampleRatio()));
    }

    static SpanExporter otlpExporter(TracingConfig config) {
        OtlpHttpSpanExporterBuilder b = OtlpHttpSpanExporter.builder()
                .setEndpoint(config.endpoint())
                .setTimeout(config.timeout())
                .setCompression(config.compression() == TracingConfig.Compression.GZIP ? "gzip" : "none");
        config.headers().forEach((name, value) -> b.addHeader(name, value.value()));
        return b.build();
    }

    /** The gateway's version from the jar's manifest ({@code dev} when run from classes). */
    static final class Versions {
        private static final String GATEWAY = Objects.requireNonNullElse(TracerProviders.class.getPackage().getImplementationVersion(), "dev");

        static String gateway() {
            return GATEWAY;
        }
    }
}
