package io.tollgate.core.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.tollgate.core.model.ApiKind;
import java.util.Map;

/**
 * The attributes Tollgate's spans carry: OpenTelemetry's HTTP and GenAI semantic conventions where
 * they name the fact, {@code tollgate.*} for the gateway's own. Never prompt or answer text, never
 * a key (only its id), never a credential.
 */
final class SpanAttributes {

    // HTTP and network (stable semantic conventions)
    static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
    static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    // GenAI semantic conventions
    static final AttributeKey<String> GEN_AI_OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> GEN_AI_PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> GEN_AI_REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> GEN_AI_RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<Long> GEN_AI_INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> GEN_AI_OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    /** Part of {@code input_tokens}, as the conventions and {@code TokenUsage} both count them. */
    static final AttributeKey<Long> GEN_AI_CACHE_READ_TOKENS = AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens");
    static final AttributeKey<Long> GEN_AI_CACHE_WRITE_TOKENS = AttributeKey.longKey("gen_ai.usage.cache_creation.input_tokens");

    // the gateway's own
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("tollgate.request.id");
    static final AttributeKey<String> KEY_ID = AttributeKey.stringKey("tollgate.key.id");
    static final AttributeKey<String> TEAM = AttributeKey.stringKey("tollgate.team");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("tollgate.provider");
    static final AttributeKey<Boolean> STREAM = AttributeKey.booleanKey("tollgate.stream");
    static final AttributeKey<String> CACHE = AttributeKey.stringKey("tollgate.cache");
    static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("tollgate.attempts");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("tollgate.attempt");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("tollgate.outcome");
    static final AttributeKey<Double> COST_USD = AttributeKey.doubleKey("tollgate.cost.usd");
    static final AttributeKey<String> PROMPT_ID = AttributeKey.stringKey("tollgate.prompt.id");
    static final AttributeKey<Long> PROMPT_VERSION = AttributeKey.longKey("tollgate.prompt.version");

    /** Provider types whose {@code gen_ai.provider.name} the conventions spell differently. */
    private static final Map<String, String> PROVIDER_NAMES = Map.of(
            "gemini", "gcp.gemini",
            "vertex-ai", "gcp.vertex_ai",
            "azure-openai", "azure.ai.openai",
            "bedrock", "aws.bedrock",
            "mistral", "mistral_ai",
            "xai", "x_ai");

    private SpanAttributes() {}

    /** {@code gen_ai.operation.name} for a client API. */
    static String operation(ApiKind api) {
        return switch (api) {
            case CHAT_COMPLETIONS, MESSAGES, RESPONSES -> "chat";
            case COMPLETIONS -> "text_completion";
            case EMBEDDINGS -> "embeddings";
        };
    }

    /** {@code gen_ai.provider.name} for a provider type of the config ({@code openai}, {@code bedrock}, ...). */
    static String providerName(String type) {
        return PROVIDER_NAMES.getOrDefault(type, type);
    }
}
