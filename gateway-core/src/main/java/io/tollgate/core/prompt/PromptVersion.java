package io.tollgate.core.prompt;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.error.GatewayException;
import io.tollgate.core.model.Json;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One immutable numbered version of a prompt: messages with {@code {{variable}}} placeholders, the
 * model alias and parameters. {@link #hash()} is the SHA-256 of its canonical content and is what
 * the immutability check and the ledger compare.
 */
public record PromptVersion(String promptId, int version, @Nullable String model, ObjectNode params,
                            List<Message> messages, String hash) {

    /** One templated message; {@code content} is compiled once at load. */
    public record Message(String role, String content, Template template) {}

    /**
     * Prompts are not HTML: Mustache's default HTML escaping would turn {@code "} into {@code &quot;}
     * inside what the model reads, so escaping is off. A missing variable is an error (the compiler
     * is strict by default), never a silent empty string.
     */
    static final Mustache.Compiler COMPILER = Mustache.compiler().escapeHTML(false).strictSections(true);

    /** The messages with {@code variables} filled in; 400 naming the first missing variable. */
    public ArrayNode render(Map<String, Object> variables) {
        ArrayNode out = Json.NODES.arrayNode();
        for (Message m : messages) {
            String text;
            try {
                text = m.template().execute(variables);
            } catch (MustacheException.Context e) {
                throw new GatewayException(GatewayError.invalidRequest("Prompt " + promptId + "@" + version
                        + " needs variable '" + e.key + "' (pass it in prompt.variables).", "prompt.variables." + e.key));
            } catch (MustacheException e) {
                throw new GatewayException(GatewayError.invalidRequest("Prompt " + promptId + "@" + version
                        + " could not be rendered: " + e.getMessage(), "prompt.variables"));
            }
            out.addObject().put("role", m.role()).put("content", text);
        }
        return out;
    }

    public String ref() {
        return promptId + "@" + version;
    }
}
