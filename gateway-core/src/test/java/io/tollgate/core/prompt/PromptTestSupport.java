package io.tollgate.core.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.admin.AdminRequest;
import io.tollgate.core.admin.AdminResponse;
import io.tollgate.core.admin.AdminRoutes;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.PromptsConfig;
import io.tollgate.core.config.StateConfig;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.MutableHeaders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

final class PromptTestSupport {

    static final String SUPPORT_BOT = """
            id: support-bot
            labels: { production: 2, staging: 3 }
            split: { label: production, weights: { 2: 90, 3: 10 } }
            versions:
              1: { model: chat, messages: [ { role: system, content: "You answer for {{company}}." } ] }
              2: { model: chat, params: { temperature: 0.1 }, messages: [ { role: system, content: "You help customers of {{company}}." } ] }
              3: { model: chat, params: { temperature: 0.1 }, messages: [ { role: system, content: "You help {{company}} customers, briefly." } ] }
            """;

    private PromptTestSupport() {}

    static Path write(Path dir, String id, String yaml) {
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve(id + ".yaml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Prompts from {@code promptDir}; label moves in a SQLite ledger beside {@code labelsFile}, the legacy file imported once. */
    static GatewayConfig config(Path promptDir, Path labelsFile) {
        return config(promptDir, labelsFile, "sqlite:" + labelsFile.resolveSibling("gateway.db"));
    }

    static GatewayConfig config(Path promptDir, Path labelsFile, String ledger) {
        return new GatewayConfig(null, null, null, null, null, null, null, null,
                new PromptsConfig(promptDir.toString(), labelsFile.toString()), new StateConfig(ledger, null, null, null, null), null, null);
    }

    static AdminResponse admin(FilterServices services, String method, String path, String body) {
        String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        return services.shared(AdminRoutes.class, AdminRoutes::new)
                .dispatch(method, bare, params -> new AdminRequest(method, bare, params, queryOf(path), MutableHeaders.of("x-gateway-admin-user", "alice"),
                        body.getBytes(StandardCharsets.UTF_8)))
                .toCompletableFuture().join();
    }

    private static Map<String, java.util.List<String>> queryOf(String path) {
        int q = path.indexOf('?');
        if (q < 0) {
            return Map.of();
        }
        Map<String, java.util.List<String>> out = new java.util.HashMap<>();
        for (String kv : path.substring(q + 1).split("&")) {
            String[] p = kv.split("=", 2);
            out.put(p[0], java.util.List.of(p[1]));
        }
        return out;
    }

    static JsonNode json(AdminResponse r) {
        try {
            return Json.parse(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
