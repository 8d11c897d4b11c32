package io.tollgate.core.cache;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.config.CacheConfig;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.Principal;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The cache key of a request: SHA-256 over the scope and the canonical body as it goes upstream
 * (after prompt injection), object keys sorted so key order does not matter. Every field that can
 * change the answer is part of it (model alias, messages, tools, sampling and format parameters,
 * and any field we do not know); only fields that cannot change the answer are left out.
 */
public final class CacheKey {

    /**
     * Delivery and attribution only: the same answer whatever they say. Not {@code prompt}: a reference the
     * prompt filter has not rendered yet (the cache ordered before it) changes the answer with its variables.
     */
    static final Set<String> IGNORED = Set.of("user", "stream", "stream_options", "metadata");

    private CacheKey() {}

    /** Hex SHA-256; {@code scope} decides whose answers may be shared. */
    public static String of(GatewayRequest request, Principal principal, CacheConfig.Scope scope) {
        return digest(List.of(scopeOf(principal, scope), request.api().name()), request.json());
    }

    /**
     * Hex SHA-256 over {@code parts} (each followed by a zero byte) and {@code body} with sorted keys,
     * leaving out the top-level fields that cannot change the answer.
     */
    static String digest(List<String> parts, JsonNode body) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (DigestOutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), md)) {
                for (String part : parts) {
                    out.write(part.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    out.write(0);
                }
                try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
                    g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                    writeSorted(g, body, true);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String scopeOf(Principal p, CacheConfig.Scope scope) {
        return switch (scope) {
            case GLOBAL -> "global";
            case TEAM -> p.team() != null ? "team:" + p.team() : "key:" + p.keyId();
            case KEY -> "key:" + p.keyId();
        };
    }

    private static void writeSorted(JsonGenerator g, JsonNode n, boolean top) throws IOException {
        if (n instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            g.writeStartObject();
            for (String name : names) {
                if (top && IGNORED.contains(name)) {
                    continue;
                }
                g.writeFieldName(name);
                writeSorted(g, o.get(name), false);
            }
            g.writeEndObject();
        } else if (n.isArray()) {
            g.writeStartArray();
            for (JsonNode x : n) {
                writeSorted(g, x, false);
            }
            g.writeEndArray();
        } else if (n.isNumber()) {
            // 0.0 and 0 mean the same temperature
            g.writeNumber(n.decimalValue().stripTrailingZeros());
        } else {
            g.writeTree(n);
        }
    }
}
