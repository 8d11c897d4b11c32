package io.tollgate.core.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.ledger.LedgerDatabase;
import io.tollgate.core.ledger.ReplicaReads;
import io.tollgate.core.model.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Label moves made at runtime through the admin API. They win over the prompt file's labels, are audited
 * (who, when, from, to) and stored in the ledger database, so a restart keeps them and every replica on that
 * database serves them: a move is written there first and takes effect here once written; other replicas
 * see it at their next {@link #refresh}, within {@link #REFRESH_INTERVAL}.
 *
 * <p>Lookups read an immutable snapshot (lock-free, on event loops); writes and refreshes are blocking and
 * run on the blocking executor.
 */
public final class LabelOverrides {

    private static final Logger log = LoggerFactory.getLogger(LabelOverrides.class);

    /** How soon a label moved on another replica (same database) takes effect on this one. */
    public static final Duration REFRESH_INTERVAL = Duration.ofSeconds(5);

    /** One label move; {@code to} is null when the override was cleared (back to the file's value). */
    public record AuditEntry(Instant at, String who, String prompt, String label, @Nullable Integer from, @Nullable Integer to) {}

    private final LabelRepository repository;
    private final Executor blocking;
    private volatile Map<String, Map<String, Integer>> overrides;
    private final ReplicaReads reads = new ReplicaReads("prompt label overrides");

    /**
     * Reads the overrides from {@code db} (blocking: at startup). A database on which no label was ever moved
     * first imports {@code legacyFile}, where earlier versions kept each replica's overrides, if it exists.
     */
    public LabelOverrides(LedgerDatabase db, Path legacyFile, Executor blocking) {
        this.repository = new LabelRepository(db);
        this.blocking = blocking;
        try {
            importLegacy(legacyFile);
            this.overrides = repository.overrides();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read prompt label overrides from the ledger database: " + e.getMessage(), e);
        }
    }

    public @Nullable Integer get(String prompt, String label) {
        Map<String, Integer> labels = overrides.get(prompt);
        return labels == null ? null : labels.get(label);
    }

    public Map<String, Integer> of(String prompt) {
        return overrides.getOrDefault(prompt, Map.of());
    }

    /** The latest moves of {@code prompt}, oldest first, as the database has them (every replica's). */
    public CompletionStage<List<AuditEntry>> audit(String prompt) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return repository.audit(prompt);
            } catch (SQLException e) {
                log.error("cannot read the label audit of prompt '{}' from the ledger database: {}", prompt, e.getMessage());
                throw new CompletionException(e);
            }
        }, blocking);
    }

    /**
     * Points {@code label} at {@code version} ({@code null}: clear the override) and audits it, in the database
     * first: the stage completes once the move is stored and serving here, and fails (nothing moved) if the
     * database write fails.
     */
    public CompletionStage<AuditEntry> move(String prompt, String label, @Nullable Integer version, @Nullable Integer from, String who, Instant now) {
        AuditEntry entry = new AuditEntry(now.truncatedTo(ChronoUnit.MILLIS), who, prompt, label, from, version);   // as stored
        return CompletableFuture.supplyAsync(() -> {
            synchronized (this) {   // not interleaved with a refresh, which could put back what the move replaced
                try {
                    repository.apply(List.of(entry));
                } catch (SQLException e) {
                    log.error("prompt label not moved: {}@{} -> {}: the ledger database refused the write: {}", prompt, label, version, e.getMessage());
                    throw new CompletionException(e);
                }
                overrides = with(overrides, entry);
            }
            log.info("prompt label moved: {}@{} {} -> {} by {}", prompt, label, from, version == null ? "(file value)" : version, who);
            return entry;
        }, blocking);
    }

    /**
     * Re-reads the overrides (blocking), so moves made on other replicas take effect here. A failure keeps the
     * overrides as they were; it is logged once until a read succeeds again.
     */
    public synchronized void refresh() {
        Map<String, Map<String, Integer>> read = reads.read(repository::overrides);
        if (read != null && !read.equals(overrides)) {
            log.info("prompt label overrides changed in the database (moved on another replica): {}", read);
            overrides = read;
        }
    }

    private static Map<String, Map<String, Integer>> with(Map<String, Map<String, Integer>> current, AuditEntry move) {
        Map<String, Map<String, Integer>> next = new HashMap<>(current);
        Map<String, Integer> labels = new HashMap<>(next.getOrDefault(move.prompt(), Map.of()));
        if (move.to() == null) {
            labels.remove(move.label());
        } else {
            labels.put(move.label(), move.to());
        }
        if (labels.isEmpty()) {
            next.remove(move.prompt());
        } else {
            next.put(move.prompt(), labels);
        }
        return frozen(next);
    }

    /** An immutable copy, inner maps too: the snapshot lookups read is never changed after it is published. */
    static Map<String, Map<String, Integer>> frozen(Map<String, ? extends Map<String, Integer>> overrides) {
        Map<String, Map<String, Integer>> copy = new HashMap<>();
        overrides.forEach((prompt, labels) -> copy.put(prompt, Map.copyOf(labels)));
        return Map.copyOf(copy);
    }

    /** The JSON file earlier versions kept overrides and audit in: moved into an empty database once, then no longer read. */
    private void importLegacy(Path file) throws SQLException {
        if (!Files.isRegularFile(file) || !repository.isEmpty()) {
            return;
        }
        List<AuditEntry> moves = new ArrayList<>();
        try {
            JsonNode root = Json.parse(Files.readAllBytes(file));
            for (JsonNode a : root.path("audit")) {
                moves.add(new AuditEntry(Instant.parse(a.path("at").asText()), a.path("who").asText(), a.path("prompt").asText(),
                        a.path("label").asText(), a.hasNonNull("from") ? a.get("from").asInt() : null, a.hasNonNull("to") ? a.get("to").asInt() : null));
            }
            // replaying the audit gives the file's overrides unless its audit was trimmed: state the difference
            Map<String, Map<String, Integer>> replayed = Map.of();
            for (AuditEntry move : moves) {
                replayed = with(replayed, move);
            }
            Instant at = moves.isEmpty() ? Instant.EPOCH : moves.get(moves.size() - 1).at();
            Map<String, Map<String, Integer>> wanted = new HashMap<>();
            root.path("overrides").properties().forEach(p -> p.getValue().properties().forEach(l ->
                    wanted.computeIfAbsent(p.getKey(), k -> new HashMap<>()).put(l.getKey(), l.getValue().asInt())));
            for (var p : wanted.entrySet()) {
                for (var l : p.getValue().entrySet()) {
                    Integer had = replayed.getOrDefault(p.getKey(), Map.of()).get(l.getKey());
                    if (!l.getValue().equals(had)) {
                        moves.add(new AuditEntry(at, "import", p.getKey(), l.getKey(), had, l.getValue()));
                    }
                }
            }
            for (var p : replayed.entrySet()) {
                for (var l : p.getValue().entrySet()) {
                    if (!wanted.getOrDefault(p.getKey(), Map.of()).containsKey(l.getKey())) {
                        moves.add(new AuditEntry(at, "import", p.getKey(), l.getKey(), l.getValue(), null));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot import the prompt label overrides of " + file + ": " + e.getMessage(), e);
        }
        repository.apply(moves);
        log.info("Imported {} prompt label move(s) from {} into the ledger database, where every replica reads them; the file is no longer read",
                moves.size(), file);
    }

    static ObjectNode toJson(AuditEntry e) {
        ObjectNode n = Json.object().put("at", e.at().toString()).put("who", e.who()).put("prompt", e.prompt()).put("label", e.label());
        if (e.from() == null) n.putNull("from"); else n.put("from", e.from());
        if (e.to() == null) n.putNull("to"); else n.put("to", e.to());
        return n;
    }
}
