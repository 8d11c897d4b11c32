package io.tollgate.core.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Label moves made at runtime through the admin API. They win over the prompt file's labels, are
 * audited (who, when, from, to) and persisted to a small JSON file (temp file + atomic rename, on
 * the blocking executor) so a restart keeps them. Thread-safe: admin calls come from any event loop.
 */
public final class LabelOverrides {

    private static final Logger log = LoggerFactory.getLogger(LabelOverrides.class);
    private static final int MAX_AUDIT = 1000;

    /** One label move; {@code to} is null when the override was cleared (back to the file's value). */
    public record AuditEntry(Instant at, String who, String prompt, String label, @Nullable Integer from, @Nullable Integer to) {}

    private final Path file;
    private final Executor blocking;
    private final Map<String, Map<String, Integer>> overrides = new LinkedHashMap<>();
    private final List<AuditEntry> audit = new ArrayList<>();
    private final Object writeLock = new Object();

    /** Reads {@code file} if it exists (call off the event loop: at config load). */
    public LabelOverrides(Path file, Executor blocking) {
        this.file = file;
        this.blocking = blocking;
        if (Files.exists(file)) {
            try {
                JsonNode root = Json.parse(Files.readAllBytes(file));
                root.path("overrides").fields().forEachRemaining(p -> {
                    Map<String, Integer> labels = new LinkedHashMap<>();
                    p.getValue().fields().forEachRemaining(l -> labels.put(l.getKey(), l.getValue().asInt()));
                    overrides.put(p.getKey(), labels);
                });
                for (JsonNode a : root.path("audit")) {
                    audit.add(new AuditEntry(Instant.parse(a.path("at").asText()), a.path("who").asText(), a.path("prompt").asText(),
                            a.path("label").asText(), a.hasNonNull("from") ? a.get("from").asInt() : null,
                            a.hasNonNull("to") ? a.get("to").asInt() : null));
                }
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("cannot read prompt label overrides " + file + ": " + e.getMessage(), e);
            }
        }
    }

    public Path file() {
        return file;
    }

    public synchronized @Nullable Integer get(String prompt, String label) {
        Map<String, Integer> labels = overrides.get(prompt);
        return labels == null ? null : labels.get(label);
    }

    public synchronized Map<String, Integer> of(String prompt) {
        return Map.copyOf(overrides.getOrDefault(prompt, Map.of()));
    }

    public synchronized List<AuditEntry> audit(String prompt) {
        return audit.stream().filter(a -> a.prompt().equals(prompt)).toList();
    }

    /**
     * Points {@code label} at {@code version} ({@code null}: clear the override), audits it and
     * persists; the stage completes once the file is written.
     */
    public CompletionStage<AuditEntry> move(String prompt, String label, @Nullable Integer version, @Nullable Integer from, String who, Instant now) {
        AuditEntry entry = new AuditEntry(now, who, prompt, label, from, version);
        synchronized (this) {
            Map<String, Integer> labels = overrides.computeIfAbsent(prompt, k -> new LinkedHashMap<>());
            if (version == null) {
                labels.remove(label);
            } else {
                labels.put(label, version);
            }
            audit.add(entry);
            if (audit.size() > MAX_AUDIT) {
                audit.remove(0);
            }
        }
        log.info("prompt label moved: {}@{} {} -> {} by {}", prompt, label, from, version == null ? "(file value)" : version, who);
        return CompletableFuture.supplyAsync(() -> {
            persist();
            return entry;
        }, blocking);
    }

    private void persist() {
        synchronized (writeLock) {
            byte[] bytes = Json.bytes(snapshot());
            try {
                Path dir = file.toAbsolutePath().getParent();
                Files.createDirectories(dir);
                Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
                Files.write(tmp, bytes);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                log.error("cannot persist prompt label overrides to {}: {}", file, e.toString());
                throw new UncheckedIOException(e);
            }
        }
    }

    private synchronized ObjectNode snapshot() {
        ObjectNode root = Json.object();
        ObjectNode o = root.putObject("overrides");
        overrides.forEach((p, labels) -> {
            if (!labels.isEmpty()) {
                ObjectNode l = o.putObject(p);
                labels.forEach(l::put);
            }
        });
        ArrayNode a = root.putArray("audit");
        audit.forEach(e -> a.add(toJson(e)));
        return root;
    }

    static ObjectNode toJson(AuditEntry e) {
        ObjectNode n = Json.object().put("at", e.at().toString()).put("who", e.who()).put("prompt", e.prompt()).put("label", e.label());
        if (e.from() == null) n.putNull("from"); else n.put("from", e.from());
        if (e.to() == null) n.putNull("to"); else n.put("to", e.to());
        return n;
    }
}
