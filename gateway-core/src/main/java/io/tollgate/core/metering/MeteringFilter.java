package io.tollgate.core.metering;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.core.filter.Exchange;
import io.tollgate.core.filter.FilterDecision;
import io.tollgate.core.filter.GatewayFilter;
import io.tollgate.core.filter.ResponseHook;
import io.tollgate.core.model.Completion;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.RequestRecord;
import io.tollgate.core.model.StreamChunk;
import io.tollgate.core.model.TokenUsage;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns upstream usage into tokens and dollars: fills {@link RequestRecord#usage()}, {@code costUsd} and
 * {@code priced}, sets {@code x-gateway-cost-usd} on unary answers (0 on those without usage), and counts
 * {@code gateway.tokens{model,provider,type}}, {@code gateway.cost.usd{model,provider,team}} and
 * {@code gateway.pricing.unknown{model}}. The innermost hook, so it sees usage before anything rewrites
 * chunks. An unknown price is never a failure: tokens are counted, cost is 0, {@code priced=false}.
 */
public final class MeteringFilter implements GatewayFilter {

    public static final String COST_HEADER = "x-gateway-cost-usd";
    private static final String ZERO = CostCalculator.format(0);
    private static final Logger log = LoggerFactory.getLogger(MeteringFilter.class);

    private final PriceTable prices;
    private final MeterRegistry registry;
    /** Label values are the configured providers/teams and the upstream models they serve: bounded. */
    private final ConcurrentMap<CounterKey, Counter> counters;

    /**
     * A counter's name and label values. A record rather than the values joined into one string: the
     * lookup then hashes strings whose hashes are cached, and allocates nothing but the key, per request.
     */
    record CounterKey(String meter, String model, String provider, String label) {}

    public MeteringFilter(PriceTable prices, MeterRegistry registry, ConcurrentMap<CounterKey, Counter> counterCache) {
        this.prices = prices;
        this.registry = registry;
        this.counters = counterCache;
    }

    public MeteringFilter(PriceTable prices, MeterRegistry registry) {
        this(prices, registry, new ConcurrentHashMap<>());
    }

    @Override
    public CompletionStage<FilterDecision> onRequest(Exchange ex) {
        if (!ex.request().stream()) {
            // SPEC §4: every unary answer says what it cost, an upstream's error (nothing billed) included; an
            // answer with usage overwrites this. A stream's head leaves before its cost is known: none there.
            ex.responseHeaders().set(COST_HEADER, ZERO);
        }
        return FilterDecision.proceed(new Hook());
    }

    /** Prices {@code usage} into the record; returns the cost. Visible for the cache (cost saved) and tests. */
    public double price(RequestRecord record, TokenUsage usage) {
        record.usage(usage);
        ModelPrice p = prices.find(record.upstreamModel());
        if (p == null) {
            record.priced(false);
            record.costUsd(0);
            return 0;
        }
        double cost = CostCalculator.costUsd(p, usage);
        record.priced(true);
        record.costUsd(cost);
        return cost;
    }

    private final class Hook implements ResponseHook {
        private @Nullable TokenUsage usage;

        @Override
        public void onResponse(Exchange ex, GatewayResponse response) {
            if (!response.isStreaming() && response.usage() != null) {
                usage = response.usage();
                double cost = price(ex.record(), usage);
                // on the exchange, not the answer: a guardrail that then refuses the answer still says what it cost
                ex.responseHeaders().set(COST_HEADER, CostCalculator.format(cost));
            }
        }

        @Override
        public @Nullable StreamChunk onChunk(Exchange ex, StreamChunk chunk) {
            if (chunk.usage() != null) {
                usage = chunk.usage(); // cumulative per the translator contract: the latest wins
            }
            return chunk;
        }

        @Override
        public void onComplete(Exchange ex, Completion completion) {
            if (usage == null) {
                return; // no answer, or a provider that reported nothing: nothing to bill
            }
            RequestRecord r = ex.record();
            double cost = price(r, usage);
            String model = label(r.upstreamModel());
            String provider = label(r.provider());
            count("gateway.tokens", model, provider, "input", usage.inputTokens());
            count("gateway.tokens", model, provider, "output", usage.outputTokens());
            count("gateway.tokens", model, provider, "cached_input", usage.cacheReadTokens());
            if (!r.priced()) {
                counters.computeIfAbsent(new CounterKey("gateway.pricing.unknown", model, "", ""), k -> {
                    // once per model and process, not per request: the counter keeps the tally
                    log.warn("No price for model '{}' (provider {}): tokens metered, cost recorded as 0; add it under pricing:", model, provider);
                    return Counter.builder("gateway.pricing.unknown")
                            .description("Requests metered for a model with no known price (cost recorded as 0)")
                            .tag("model", model).register(registry);
                }).increment();
                return;
            }
            String team = ex.principal().team() == null ? "none" : ex.principal().team();
            counters.computeIfAbsent(new CounterKey("gateway.cost.usd", model, provider, team), k -> Counter.builder("gateway.cost.usd")
                    .description("Spend in USD at list price").baseUnit("usd")
                    .tags("model", model, "provider", provider, "team", team).register(registry)).increment(cost);
        }
    }

    private void count(String name, String model, String provider, String type, long amount) {
        if (amount <= 0) {
            return;
        }
        counters.computeIfAbsent(new CounterKey(name, model, provider, type), k -> Counter.builder(name)
                .description("Tokens by model, provider and type").baseUnit("tokens")
                .tags("model", model, "provider", provider, "type", type).register(registry)).increment(amount);
    }

    private static String label(String v) {
        return v == null || v.isEmpty() ? "unknown" : v;
    }
}
