package io.tollgate.core.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.tollgate.core.auth.AuthFilter;
import io.tollgate.core.auth.VirtualKey;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.KeyConfig;
import io.tollgate.core.config.LimitsConfig;
import io.tollgate.core.config.ModelConfig;
import io.tollgate.core.config.TeamConfig;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.filter.Exchange;
import io.tollgate.core.filter.FilterDecision;
import io.tollgate.core.filter.GatewayFilter;
import io.tollgate.core.filter.ResponseHook;
import io.tollgate.core.model.Completion;
import io.tollgate.core.state.StateFailures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * RPM and TPM per key, team and alias. Every applicable bucket must have room; a request that
 * passes some buckets and fails a later one gets those tokens back. RPM takes 1, TPM the estimated
 * tokens; the hook settles TPM with the real usage ({@code record().usage()}, set by metering whose
 * hook runs before this one). Sets OpenAI's {@code x-ratelimit-*} headers from the tightest limit.
 */
final class RateLimitFilter implements GatewayFilter {

    enum Scope { KEY, TEAM, ALIAS; final String label = name().toLowerCase(java.util.Locale.ROOT); }

    enum Kind { RPM, TPM; final String label = name().toLowerCase(java.util.Locale.ROOT); }

    /** One bucket that applies to a request; {@code bucket} is its store id ({@code rpm:key:<id>}). */
    record Check(Scope scope, String id, Kind kind, long perMinute, String bucket) {
        Check(Scope scope, String id, Kind kind, long perMinute) {
            this(scope, id, kind, perMinute, kind.label + ":" + scope.label + ":" + id);
        }
    }

    private final GatewayConfig config;
    private final Map<String, KeyConfig> keys = new HashMap<>();
    private final LimiterStore store;
    private final TokenEstimator estimator;
    private final StateFailures failures;
    private final Map<String, Counter> limited;

    RateLimitFilter(GatewayConfig config, LimiterStore store, TokenEstimator estimator, StateFailures failures,
                    Map<String, Counter> limited) {
        this.config = config;
        for (KeyConfig k : config.keys()) {
            keys.put(k.id(), k);
        }
        this.store = store;
        this.estimator = estimator;
        this.failures = failures;
        this.limited = limited;
    }

    /** True when the config has any limit at all (otherwise the factory leaves the filter out). */
    static boolean anyLimits(GatewayConfig config) {
        return !config.auth().adminKey().isEmpty()   // keys created through the admin API may carry limits
                || config.keys().stream().anyMatch(k -> !k.limits().isEmpty())
                || config.teams().values().stream().anyMatch(t -> !t.limits().isEmpty())
                || config.models().values().stream().anyMatch(m -> !m.limits().isEmpty());
    }

    List<Check> checks(Exchange ex) {
        List<Check> checks = new ArrayList<>(2);
        // The authenticated key (config or admin API); the config map covers chains without the auth filter.
        VirtualKey authenticated = ex.attr(AuthFilter.VIRTUAL_KEY);
        KeyConfig key = keys.get(ex.principal().keyId());
        LimitsConfig keyLimits = authenticated != null ? authenticated.limits() : key != null ? key.limits() : null;
        if (keyLimits != null) {
            add(checks, Scope.KEY, ex.principal().keyId(), keyLimits);
        }
        String team = ex.principal().team() != null ? ex.principal().team()
                : authenticated != null ? authenticated.team() : key != null ? key.team() : null;
        TeamConfig teamConfig = team == null ? null : config.teams().get(team);
        if (teamConfig != null) {
            add(checks, Scope.TEAM, team, teamConfig.limits());
        }
        String alias = ex.record().alias().isEmpty() ? ex.request().model() : ex.record().alias();
        ModelConfig model = config.models().get(alias);
        if (model != null) {
            add(checks, Scope.ALIAS, alias, model.limits());
        }
        return checks;
    }

    private static void add(List<Check> checks, Scope scope, String id, LimitsConfig limits) {
        if (limits.rpm() != null) {
            checks.add(new Check(scope, id, Kind.RPM, limits.rpm()));
        }
        if (limits.tpm() != null) {
            checks.add(new Check(scope, id, Kind.TPM, limits.tpm()));
        }
    }

    @Override
    public CompletionStage<FilterDecision> onRequest(Exchange ex) {
        List<Check> checks = checks(ex);
        if (checks.isEmpty()) {
            return FilterDecision.proceed();
        }
        long estimate = needsTokens(checks) ? Math.max(1, estimator.estimateTokens(ex)) : 0;
        Pass pass = new Pass(ex, checks, estimate);
        CompletableFuture<FilterDecision> decided = pass.step(0).toCompletableFuture();
        if (decided.isDone() && !decided.isCompletedExceptionally()) {
            return decided;
        }
        return decided.exceptionally(error -> {
            pass.giveBack(pass.taken);
            GatewayError answer = failures.onError(error);
            return answer == null ? new FilterDecision.Proceed(ResponseHook.NONE) : new FilterDecision.Reject(answer);
        });
    }

    private static boolean needsTokens(List<Check> checks) {
        for (Check c : checks) {
            if (c.kind() == Kind.TPM) {
                return true;
            }
        }
        return false;
    }

    /** One request's walk over its buckets. */
    private final class Pass implements ResponseHook {
        final Exchange ex;
        final List<Check> checks;
        final long estimate;
        final LimiterStore.Probe[] probes;
        int taken;

        Pass(Exchange ex, List<Check> checks, long estimate) {
            this.ex = ex;
            this.checks = checks;
            this.estimate = estimate;
            this.probes = new LimiterStore.Probe[checks.size()];
        }

        long amount(Check c) {
            return c.kind() == Kind.RPM ? 1 : estimate;
        }

        /**
         * Takes from bucket {@code from} on. A store that answers at once (the local one) is walked in a
         * loop; one that answers later (Redis) continues in its callback.
         */
        CompletionStage<FilterDecision> step(int from) {
            for (int i = from; i < checks.size(); i++) {
                Check c = checks.get(i);
                CompletableFuture<LimiterStore.Probe> probe = store.tryConsume(c.bucket(), c.perMinute(), amount(c)).toCompletableFuture();
                if (!probe.isDone() || probe.isCompletedExceptionally()) {
                    int at = i;
                    return probe.thenCompose(p -> took(at, p) ? step(at + 1) : refused(at, p));
                }
                LimiterStore.Probe p = probe.join();
                if (!took(i, p)) {
                    return refused(i, p);
                }
            }
            setHeaders(ex, checks, probes);
            return CompletableFuture.completedFuture(new FilterDecision.Proceed(estimate > 0 ? this : ResponseHook.NONE));
        }

        /** Records bucket {@code i}'s answer; false when it refused. */
        private boolean took(int i, LimiterStore.Probe p) {
            probes[i] = p;
            if (p.allowed()) {
                taken = i + 1;
            }
            return p.allowed();
        }

        /** Bucket {@code i} refused: the earlier ones get their tokens back, the client a 429. */
        private CompletionStage<FilterDecision> refused(int i, LimiterStore.Probe p) {
            giveBack(i);
            setHeaders(ex, checks, probes);
            return CompletableFuture.completedFuture(new FilterDecision.Reject(reject(ex, checks.get(i), p)));
        }

        void giveBack(int upTo) {
            for (int j = 0; j < upTo; j++) {
                Check c = checks.get(j);
                store.adjust(c.bucket(), c.perMinute(), -amount(c));
            }
            taken = 0;
        }

        /** Settles TPM: the estimate was taken, the real usage is what counts (0 if nothing was generated). */
        @Override
        public void onComplete(Exchange ex, Completion completion) {
            long actual = ex.record().usage().totalTokens();
            long delta = actual - estimate;
            if (delta == 0) {
                return;
            }
            for (Check c : checks) {
                if (c.kind() == Kind.TPM) {
                    store.adjust(c.bucket(), c.perMinute(), delta);
                }
            }
        }
    }

    private GatewayError reject(Exchange ex, Check c, LimiterStore.Probe p) {
        Counter counter = limited.get(c.kind().label + ":" + c.scope().label);
        if (counter != null) {
            counter.increment();
        }
        long seconds = Math.max(1, (p.nanosToWait() + 999_999_999L) / 1_000_000_000L);
        ex.responseHeader("retry-after", Long.toString(seconds));
        String unit = c.kind() == Kind.RPM ? "requests" : "tokens";
        String message = "Rate limit exceeded: " + c.scope().label + " '" + c.id() + "' allows " + c.perMinute() + " " + unit
                + " per minute (" + c.kind().label + "). Retry after " + seconds + "s.";
        return GatewayError.of(ErrorCode.RATE_LIMIT_EXCEEDED, message).withRetryAfter(Duration.ofSeconds(seconds));
    }

    /** OpenAI's headers, from the tightest RPM and TPM bucket that was checked. */
    static void setHeaders(Exchange ex, List<Check> checks, LimiterStore.@Nullable Probe[] probes) {
        Check rpm = null;
        LimiterStore.Probe rpmProbe = null;
        Check tpm = null;
        LimiterStore.Probe tpmProbe = null;
        for (int i = 0; i < checks.size(); i++) {
            LimiterStore.Probe p = probes[i];
            if (p == null) {
                continue;
            }
            Check c = checks.get(i);
            if (c.kind() == Kind.RPM && (rpmProbe == null || p.remaining() < rpmProbe.remaining())) {
                rpm = c;
                rpmProbe = p;
            } else if (c.kind() == Kind.TPM && (tpmProbe == null || p.remaining() < tpmProbe.remaining())) {
                tpm = c;
                tpmProbe = p;
            }
        }
        if (rpm != null) {
            ex.responseHeader("x-ratelimit-limit-requests", Long.toString(rpm.perMinute()));
            ex.responseHeader("x-ratelimit-remaining-requests", Long.toString(rpmProbe.remaining()));
            // time until the bucket is full again: missing tokens at perMinute per 60 s
            long missing = rpm.perMinute() - rpmProbe.remaining();
            ex.responseHeader("x-ratelimit-reset-requests", formatDuration(missing * 60_000L / rpm.perMinute()));
        }
        if (tpm != null) {
            ex.responseHeader("x-ratelimit-limit-tokens", Long.toString(tpm.perMinute()));
            ex.responseHeader("x-ratelimit-remaining-tokens", Long.toString(tpmProbe.remaining()));
            long missing = tpm.perMinute() - tpmProbe.remaining();
            ex.responseHeader("x-ratelimit-reset-tokens", formatDuration(missing * 60_000L / tpm.perMinute()));
        }
    }

    /** OpenAI's (Go) duration format: {@code 120ms}, {@code 1s}, {@code 6m0s}. */
    static String formatDuration(long millis) {
        if (millis < 1000) {
            return millis + "ms";
        }
        long seconds = (millis + 999) / 1000;
        return seconds < 60 ? seconds + "s" : seconds / 60 + "m" + seconds % 60 + "s";
    }
}
