package io.tollgate.providers.openai;

import java.util.Set;

/**
 * What an OpenAI-compatible server does differently from OpenAI, as data.
 *
 * @param dropParams  top-level request fields the server rejects; removed before sending
 * @param streamUsage whether the server honours {@code stream_options.include_usage}; when false
 *                    the gateway neither adds it nor forwards the client's
 */
public record OpenAiQuirks(Set<String> dropParams, boolean streamUsage) {

    public static final OpenAiQuirks NONE = new OpenAiQuirks(Set.of(), true);

    public OpenAiQuirks {
        dropParams = Set.copyOf(dropParams);
    }
}
