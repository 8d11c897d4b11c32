package io.tollgate.core.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.sdk.common.Clock;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.filter.Exchange;
import io.tollgate.core.filter.FilterDecision;
import io.tollgate.core.filter.GatewayFilter;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.upstream.AttemptObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Starts one SERVER span per proxied request, continuing the caller's W3C trace ({@code traceparent},
 * {@code tracestate}) when it sent a valid one. Its {@link RequestSpan} hook ends the span when the
 * request ends (a stream: at its last byte) and opens a CLIENT span per upstream attempt, whose
 * context the upstream receives as {@code traceparent}.
 */
final class TracingFilter implements GatewayFilter {

    static final W3CTraceContextPropagator PROPAGATOR = W3CTraceContextPropagator.getInstance();

    private final Tracer tracer;
    private final Clock clock;
    /** Provider name (a key of {@code providers:}) to {@code gen_ai.provider.name}. */
    private final Map<String, String> providerNames = new HashMap<>();

    TracingFilter(Tracer tracer, GatewayConfig config) {
        this(tracer, config, Clock.getDefault());
    }

    TracingFilter(Tracer tracer, GatewayConfig config, Clock clock) {
        this.tracer = Objects.requireNonNull(tracer, "tracer");
        this.clock = Objects.requireNonNull(clock, "clock");
        config.providers().forEach((name, provider) -> providerNames.put(name, SpanAttributes.providerName(provider.type())));
    }

    @Override
    public CompletionStage<FilterDecision> onRequest(Exchange ex) {
        Context parent = PROPAGATOR.extract(Context.root(), ex.requestHeaders(), HeaderGetter.INSTANCE);
        String operation = SpanAttributes.operation(ex.api());
        String model = ex.request().model();
        // the span starts when the request arrived, not when this filter runs: the ticker says how long ago that was
        long startEpochNanos = clock.now() - Math.max(0, ex.ticker().read() - ex.record().startNanos());
        var builder = tracer.spanBuilder(model.isEmpty() ? operation : operation + " " + model)
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setStartTimestamp(startEpochNanos, TimeUnit.NANOSECONDS)
                .setAttribute(SpanAttributes.HTTP_METHOD, "POST")
                .setAttribute(SpanAttributes.HTTP_ROUTE, ex.api().path())
                .setAttribute(SpanAttributes.URL_PATH, ex.api().path())
                .setAttribute(SpanAttributes.GEN_AI_OPERATION, operation)
                .setAttribute(SpanAttributes.REQUEST_ID, ex.requestId())
                .setAttribute(SpanAttributes.STREAM, ex.request().stream());
        if (!model.isEmpty()) {
            builder.setAttribute(SpanAttributes.GEN_AI_REQUEST_MODEL, model);
        }
        Span span = builder.startSpan();
        RequestSpan hook = new RequestSpan(this, span, startEpochNanos);
        ex.attr(AttemptObserver.KEY, hook);
        return FilterDecision.proceed(hook);
    }

    Tracer tracer() {
        return tracer;
    }

    /** {@code gen_ai.provider.name} of a configured provider, e.g. {@code aws.bedrock} for a Bedrock one. */
    String providerName(String provider) {
        return providerNames.getOrDefault(provider, provider);
    }

    /** Reads {@code traceparent} / {@code tracestate} from the client's headers (case-insensitive). */
    enum HeaderGetter implements TextMapGetter<Headers> {
        INSTANCE;

        @Override
        public Iterable<String> keys(Headers carrier) {
            List<String> names = new ArrayList<>();
            carrier.forEach((name, value) -> names.add(name));
            return names;
        }

        @Override
        public @Nullable String get(@Nullable Headers carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    }

    /** Writes {@code traceparent} / {@code tracestate} into an upstream request, replacing any there. */
    enum HeaderSetter implements TextMapSetter<MutableHeaders> {
        INSTANCE;

        @Override
        public void set(@Nullable MutableHeaders carrier, String key, String value) {
            if (carrier != null) {
                carrier.set(key, value);
            }
        }
    }
}
