package io.tollgate.core.prompt;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tollgate.core.model.RequestRecord;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code gateway.prompt.requests{prompt,version}} and per-version cost, tokens and duration.
 * Registered once per config version for the versions in the files (bounded: they come from files).
 */
final class PromptMeters {

    private record Meters(Counter requests, Counter cost, Counter inputTokens, Counter outputTokens, Timer duration) {}

    private final Map<String, Meters> byRef = new HashMap<>();

    PromptMeters(MeterRegistry registry, PromptRegistry prompts) {
        for (PromptDefinition d : prompts.all().values()) {
            for (PromptVersion v : d.versions().values()) {
                String[] tags = {"prompt", d.id(), "version", Integer.toString(v.version())};
                byRef.put(v.ref(), new Meters(
                        Counter.builder("gateway.prompt.requests").tags(tags).description("Requests that used a prompt version").register(registry),
                        Counter.builder("gateway.prompt.cost.usd").tags(tags).description("Upstream cost of requests per prompt version").register(registry),
                        Counter.builder("gateway.prompt.tokens").tags(tags).tag("type", "input").register(registry),
                        Counter.builder("gateway.prompt.tokens").tags(tags).tag("type", "output").register(registry),
                        Timer.builder("gateway.prompt.duration").tags(tags).description("Request duration per prompt version").register(registry)));
            }
        }
    }

    void requested(PromptVersion v) {
        Meters m = byRef.get(v.ref());
        if (m != null) {
            m.requests.increment();
        }
    }

    void completed(PromptVersion v, long latencyNanos, RequestRecord r) {
        Meters m = byRef.get(v.ref());
        if (m != null) {
            m.cost.increment(r.costUsd());
            m.inputTokens.increment(r.usage().inputTokens());
            m.outputTokens.increment(r.usage().outputTokens());
            m.duration.record(latencyNanos, TimeUnit.NANOSECONDS);
        }
    }
}
