package io.tollgate.core.metering;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.knuddels.jtokkit.api.Encoding;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.ModelConfig;
import io.tollgate.core.config.TargetConfig;
import io.tollgate.core.model.GatewayRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Estimates a request's tokens and cost <em>before</em> it is sent: for budget reservations and TPM
 * admission. Real usage settles the estimate afterwards, so this errs a little high, never wildly.
 *
 * <p>Input: the text of every message (string content, or the {@code text} parts of multi-part content,
 * tool-call arguments, names) tokenized with OpenAI's encodings ({@code o200k_base} for the gpt-4o / gpt-4.1 /
 * gpt-5 / o-series family, {@code cl100k_base} for other OpenAI models), plus 3 tokens per message and 3 for
 * the reply priming (OpenAI's documented accounting). Non-OpenAI models use ~4 characters per token, as do
 * OpenAI models in the first second after start, while {@link Tokenizers} loads the tables.
 * Output: {@code max_completion_tokens}, {@code max_tokens}, or {@link #DEFAULT_MAX_OUTPUT} when the client set none.
 *
 * <p>Thread-safe and allocation-light; one per config version ({@link #of(GatewayConfig)}).
 */
public final class TokenEstimator {

    /** Output tokens assumed when a request sets no limit: a typical answer, not the model's maximum. */
    public static final int DEFAULT_MAX_OUTPUT = 1024;
    private static final int PER_MESSAGE = 3;
    private static final int REPLY_PRIMING = 3;

    private final PriceTable prices;
    /** Each alias's upstream models, resolved once (asked several times per request). */
    private final Map<String, List<String>> aliasTargets;

    public TokenEstimator(PriceTable prices, Map<String, ModelConfig> aliases) {
        this.prices = prices;
        Map<String, List<String>> targets = new HashMap<>();
        aliases.forEach((alias, m) -> targets.put(alias, m.targets().stream().map(TargetConfig::model).toList()));
        this.aliasTargets = Map.copyOf(targets);
    }

    public static TokenEstimator of(GatewayConfig config) {
        return new TokenEstimator(PriceTable.of(config), config.models());
    }

    public PriceTable prices() {
        return prices;
    }

    /** Input tokens of {@code request} as {@code model} (an upstream model or an alias) would count them. */
    public long estimateInputTokens(GatewayRequest request, String model) {
        Encoding enc = encodingFor(upstreamModels(model).get(0));
        long tokens = REPLY_PRIMING;
        for (JsonNode m : request.messages()) {
            tokens += PER_MESSAGE + count(enc, m.path("role").asText("")) + count(enc, m.path("name").asText(""));
            tokens += contentTokens(enc, m.get("content"));
            for (JsonNode call : m.path("tool_calls")) {
                tokens += count(enc, call.path("function").path("name").asText("")) + count(enc, call.path("function").path("arguments").asText(""));
            }
        }
        JsonNode input = request.json().get("input"); // embeddings, responses, legacy prompt
        if (input != null) {
            tokens += contentTokens(enc, input);
        }
        JsonNode prompt = request.json().get("prompt");
        if (prompt != null && prompt.isTextual()) {
            tokens += count(enc, prompt.asText());
        }
        return tokens;
    }

    /** The output tokens the request may produce: its own limit, or {@link #DEFAULT_MAX_OUTPUT}. */
    public long estimateOutputTokens(GatewayRequest request) {
        for (String field : new String[] {"max_completion_tokens", "max_tokens", "max_output_tokens"}) {
            JsonNode n = request.json().get(field);
            if (n != null && n.canConvertToLong() && n.asLong() > 0) {
                long perChoice = n.asLong();
                int choices = Math.max(1, request.json().path("n").asInt(1));
                return perChoice * choices;
            }
        }
        return DEFAULT_MAX_OUTPUT;
    }

    /**
     * The cost to reserve for {@code request}: estimated input at the plain input rate plus the output
     * limit at the output rate. For an alias, the priciest of its targets (the request may fall back to it).
     * 0 when no target has a known price.
     */
    public double estimateCostUsd(GatewayRequest request, String upstreamModelOrAlias) {
        return estimateCostUsd(request, upstreamModelOrAlias, estimateInputTokens(request, upstreamModelOrAlias));
    }

    /** As {@link #estimateCostUsd(GatewayRequest, String)}, with the input already counted. */
    public double estimateCostUsd(GatewayRequest request, String upstreamModelOrAlias, long in) {
        long out = estimateOutputTokens(request);
        double max = 0;
        for (String m : upstreamModels(upstreamModelOrAlias)) {
            ModelPrice p = prices.find(m);
            if (p != null) {
                max = Math.max(max, (in * p.input() + out * p.output()) / 1_000_000d);
            }
        }
        return max;
    }

    /** The upstream models behind {@code modelOrAlias}: its targets if it is an alias, else itself. */
    public List<String> upstreamModels(String modelOrAlias) {
        List<String> targets = aliasTargets.get(modelOrAlias);
        return targets != null ? targets : List.of(modelOrAlias);
    }

    private static long contentTokens(@Nullable Encoding enc, @Nullable JsonNode content) {
        if (content == null || content.isNull()) {
            return 0;
        }
        if (content.isTextual()) {
            return count(enc, content.asText());
        }
        long t = 0;
        if (content.isArray()) {
            for (JsonNode part : content) {
                if (part.isTextual()) {
                    t += count(enc, part.asText());
                } else if (part.has("text")) {
                    t += count(enc, part.path("text").asText(""));
                } else if (part.has("image_url")) {
                    t += 85; // OpenAI's low-detail image cost; a floor, real usage settles it
                }
            }
        }
        return t;
    }

    static @Nullable Encoding encodingFor(String model) {
        String m = model.toLowerCase(java.util.Locale.ROOT);
        int slash = m.lastIndexOf('/');
        if (slash >= 0) m = m.substring(slash + 1);
        if (m.startsWith("gpt-4o") || m.startsWith("gpt-4.1") || m.startsWith("gpt-4.5") || m.startsWith("gpt-5")
                || m.startsWith("o1") || m.startsWith("o3") || m.startsWith("o4") || m.startsWith("chatgpt-4o")) {
            return Tokenizers.o200k();
        }
        if (m.startsWith("gpt-") || m.startsWith("text-embedding") || m.startsWith("davinci") || m.startsWith("babbage")) {
            return Tokenizers.cl100k();
        }
        return null; // not an OpenAI tokenizer: use the heuristic
    }

    private static long count(@Nullable Encoding enc, String text) {
        if (text.isEmpty()) {
            return 0;
        }
        if (enc == null) {
            return (text.length() + 3) / 4;
        }
        // System prompts, conversation history and roles repeat across requests: BPE is the costliest step on
        // the request path (profiled), so counts are remembered, bounded by the characters held. Short texts
        // too: jtokkit's pre-tokenizing regex made "system" and "user" cost 1.7 % of CPU at saturation,
        // twenty times the cache lookups of the two long messages beside them.
        return (Tokenizers.isO200k(enc) ? O200K_COUNTS : CL100K_COUNTS).get(text, enc::countTokens);
    }

    /** Roughly what one cached entry costs beyond its characters (node, key object, boxed count). */
    private static final int ENTRY_OVERHEAD = 96;
    private static final Cache<String, Integer> O200K_COUNTS = countCache();
    private static final Cache<String, Integer> CL100K_COUNTS = countCache();

    private static Cache<String, Integer> countCache() {
        return Caffeine.newBuilder().maximumWeight(8L * 1024 * 1024).weigher((String text, Integer n) -> text.length() + ENTRY_OVERHEAD).build();
    }
}
