package io.tollgate.core.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.filter.Exchange;
import io.tollgate.core.filter.ResponseHook;
import io.tollgate.core.model.Completion;
import io.tollgate.core.model.Principal;
import io.tollgate.core.model.RequestRecord;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.upstream.AttemptObserver;
import io.tollgate.core.upstream.UpstreamRequest;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * One request's server span: ended in {@link #onComplete} (exactly once, on success, error or client
 * cancel) with what the request record says by then, metering's tokens and cost included (this hook
 * runs last). Also the request's {@link AttemptObserver}: each upstream attempt becomes a CLIENT child
 * span, and its context goes upstream as {@code traceparent}.
 */
final class RequestSpan implements ResponseHook, AttemptObserver {

    private final TracingFilter filter;
    private final Span span;
    private final Context context;
    private final long startEpochNanos;

    RequestSpan(TracingFilter filter, Span span, long startEpochNanos) {
        this.filter = filter;
        this.span = span;
        this.context = Context.root().with(span);
        this.startEpochNanos = startEpochNanos;
    }

    @Override
    public void onComplete(Exchange ex, Completion completion) {
        RequestRecord r = ex.record();
        if (span.isRecording()) {
            describe(ex, r, completion);
        }
        span.end(startEpochNanos + Math.max(0, r.durationNanos()), TimeUnit.NANOSECONDS);
    }

    private void describe(Exchange ex, RequestRecord r, Completion completion) {
        int status = completion.outcome() == Completion.Outcome.CANCELLED ? 499 : r.status();
        if (status > 0) {
            span.setAttribute(SpanAttributes.HTTP_STATUS, status);
        }
        if (!r.alias().isEmpty()) {
            span.updateName(SpanAttributes.operation(ex.api()) + " " + r.alias());
            span.setAttribute(SpanAttributes.GEN_AI_REQUEST_MODEL, r.alias());
        }
        if (!r.upstreamModel().isEmpty()) {
            span.setAttribute(SpanAttributes.GEN_AI_RESPONSE_MODEL, r.upstreamModel());
        }
        if (!r.provider().isEmpty()) {
            span.setAttribute(SpanAttributes.PROVIDER, r.provider());
            span.setAttribute(SpanAttributes.GEN_AI_PROVIDER, filter.providerName(r.provider()));
        }
        TokenUsage usage = r.usage();
        if (!usage.isZero()) {
            span.setAttribute(SpanAttributes.GEN_AI_INPUT_TOKENS, usage.inputTokens());
            span.setAttribute(SpanAttributes.GEN_AI_OUTPUT_TOKENS, usage.outputTokens());
            if (usage.cacheReadTokens() > 0) {
                span.setAttribute(SpanAttributes.GEN_AI_CACHE_READ_TOKENS, usage.cacheReadTokens());
            }
            if (usage.cacheWriteTokens() > 0) {
                span.setAttribute(SpanAttributes.GEN_AI_CACHE_WRITE_TOKENS, usage.cacheWriteTokens());
            }
        }
        span.setAttribute(SpanAttributes.COST_USD, r.costUsd());
        span.setAttribute(SpanAttributes.CACHE, r.cache());
        span.setAttribute(SpanAttributes.ATTEMPTS, r.attempts());
        Principal p = ex.principal();
        if (!p.isAnonymous()) {
            span.setAttribute(SpanAttributes.KEY_ID, p.keyId());
            if (p.team() != null) {
                span.setAttribute(SpanAttributes.TEAM, p.team());
            }
        }
        if (r.promptId() != null) {
            span.setAttribute(SpanAttributes.PROMPT_ID, r.promptId());
            span.setAttribute(SpanAttributes.PROMPT_VERSION, r.promptVersion());
        }
        switch (completion.outcome()) {
            case SUCCESS -> span.setAttribute(SpanAttributes.OUTCOME, "success");
            case CANCELLED -> span.setAttribute(SpanAttributes.OUTCOME, "cancelled");   // the client's choice, not an error
            case ERROR -> {
                GatewayError error = completion.error();
                String code = error != null ? error.code() : String.valueOf(r.errorCode());
                span.setAttribute(SpanAttributes.OUTCOME, "error");
                span.setAttribute(SpanAttributes.ERROR_TYPE, code);
                span.setStatus(StatusCode.ERROR, code);
            }
        }
    }

    @Override
    public AttemptEnd attemptStarted(Exchange ex, UpstreamRequest request) {
        RequestRecord r = ex.record();
        String operation = SpanAttributes.operation(ex.api());
        URI uri = request.uri();
        int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        Span attempt = filter.tracer().spanBuilder(operation + " " + r.upstreamModel())
                .setParent(context)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(SpanAttributes.GEN_AI_OPERATION, operation)
                .setAttribute(SpanAttributes.GEN_AI_REQUEST_MODEL, r.upstreamModel())
                .setAttribute(SpanAttributes.GEN_AI_PROVIDER, filter.providerName(r.provider()))
                .setAttribute(SpanAttributes.PROVIDER, r.provider())
                .setAttribute(SpanAttributes.ATTEMPT, r.attempts())
                .setAttribute(SpanAttributes.REQUEST_ID, ex.requestId())
                .setAttribute(SpanAttributes.HTTP_METHOD, request.method())
                .setAttribute(SpanAttributes.SERVER_ADDRESS, String.valueOf(uri.getHost()))
                .setAttribute(SpanAttributes.SERVER_PORT, port)
                // no query string: some vendors take a key there
                .setAttribute(SpanAttributes.URL_FULL, uri.getScheme() + "://" + uri.getHost() + ":" + port + uri.getRawPath())
                .startSpan();
        TracingFilter.PROPAGATOR.inject(context.with(attempt), request.headers(), TracingFilter.HeaderSetter.INSTANCE);
        return (status, outcome, error) -> {
            if (attempt.isRecording()) {
                if (status > 0) {
                    attempt.setAttribute(SpanAttributes.HTTP_STATUS, status);
                }
                attempt.setAttribute(SpanAttributes.OUTCOME, outcome);
                if (error != null) {
                    attempt.setAttribute(SpanAttributes.ERROR_TYPE, error.code());
                    attempt.setStatus(StatusCode.ERROR, error.code());
                }
            }
            attempt.end();
        };
    }
}
