package io.tollgate.providers.openai;

import io.tollgate.core.model.ApiKind;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * OpenAI itself and the OpenAI-compatible vendors known by name: the {@code type:} value, the
 * documented base URL, whether a key is needed, the APIs served and the documented quirks. Each URL
 * is the one the vendor's own docs give to OpenAI SDK users (see docs/providers.md for the sources).
 */
public record OpenAiPreset(String type, String defaultBaseUrl, boolean needsKey, Set<ApiKind> apis, OpenAiQuirks quirks) {

    private static final Set<ApiKind> ALL = EnumSet.of(ApiKind.CHAT_COMPLETIONS, ApiKind.COMPLETIONS, ApiKind.EMBEDDINGS, ApiKind.RESPONSES);
    private static final Set<ApiKind> CHAT_EMBED = EnumSet.of(ApiKind.CHAT_COMPLETIONS, ApiKind.COMPLETIONS, ApiKind.EMBEDDINGS);
    private static final Set<ApiKind> CHAT = EnumSet.of(ApiKind.CHAT_COMPLETIONS);

    public static final OpenAiPreset OPENAI = new OpenAiPreset("openai", "https://api.openai.com/v1", true, ALL, OpenAiQuirks.NONE);

    /** Every preset by type, {@code openai} included. */
    public static final Map<String, OpenAiPreset> BY_TYPE = Stream.of(
            OPENAI,
            // console.groq.com/docs/openai: logprobs, logit_bias and top_logprobs "will result in a 400 error";
            // chat/completions and responses are served, text completions are not.
            new OpenAiPreset("groq", "https://api.groq.com/openai/v1", true,
                    EnumSet.of(ApiKind.CHAT_COMPLETIONS, ApiKind.RESPONSES),
                    new OpenAiQuirks(Set.of("logprobs", "logit_bias", "top_logprobs"), true)),
            new OpenAiPreset("mistral", "https://api.mistral.ai/v1", true, EnumSet.of(ApiKind.CHAT_COMPLETIONS, ApiKind.EMBEDDINGS), OpenAiQuirks.NONE),
            new OpenAiPreset("deepseek", "https://api.deepseek.com/v1", true, CHAT, OpenAiQuirks.NONE),
            new OpenAiPreset("together", "https://api.together.xyz/v1", true, CHAT_EMBED, OpenAiQuirks.NONE),
            new OpenAiPreset("fireworks", "https://api.fireworks.ai/inference/v1", true, CHAT_EMBED, OpenAiQuirks.NONE),
            new OpenAiPreset("openrouter", "https://openrouter.ai/api/v1", true, EnumSet.of(ApiKind.CHAT_COMPLETIONS, ApiKind.COMPLETIONS), OpenAiQuirks.NONE),
            new OpenAiPreset("xai", "https://api.x.ai/v1", true, EnumSet.of(ApiKind.CHAT_COMPLETIONS, ApiKind.RESPONSES), OpenAiQuirks.NONE),
            new OpenAiPreset("perplexity", "https://api.perplexity.ai", true, CHAT, OpenAiQuirks.NONE),
            // Local servers: no key, default ports of each project's OpenAI-compatible server.
            new OpenAiPreset("ollama", "http://127.0.0.1:11434/v1", false, CHAT_EMBED, OpenAiQuirks.NONE),
            new OpenAiPreset("vllm", "http://127.0.0.1:8000/v1", false, ALL, OpenAiQuirks.NONE),
            new OpenAiPreset("lmstudio", "http://127.0.0.1:1234/v1", false, CHAT_EMBED, OpenAiQuirks.NONE)
    ).collect(Collectors.toUnmodifiableMap(OpenAiPreset::type, Function.identity()));

    public OpenAiPreset {
        apis = Set.copyOf(apis);
    }
}
