package io.tollgate.core.prompt;

import io.tollgate.core.config.ConfigException;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.error.GatewayException;
import io.tollgate.core.ledger.LedgerDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prompt state that outlives config reloads (kept in {@code services.shared}): the registry now
 * serving, every version hash ever seen (versions are immutable), runtime label overrides and
 * per-version stats. Resolves prompt references.
 */
public final class PromptService {

    private static final Logger log = LoggerFactory.getLogger(PromptService.class);

    private volatile PromptRegistry registry = PromptRegistry.EMPTY;
    private volatile @Nullable String lastReloadError;
    private final Map<String, String> seenHashes = new ConcurrentHashMap<>();
    private final LabelOverrides overrides;
    private final PromptStats stats = new PromptStats();

    public PromptService(LabelOverrides overrides) {
        this.overrides = overrides;
    }

    /** Opens the overrides in {@code db} (blocking: at startup), importing {@code legacyLabelsFile} into an empty one. */
    public static PromptService create(LedgerDatabase db, Path legacyLabelsFile, Executor blocking) {
        return new PromptService(new LabelOverrides(db, legacyLabelsFile, blocking));
    }

    public PromptRegistry registry() { return registry; }
    public LabelOverrides overrides() { return overrides; }
    public PromptStats stats() { return stats; }
    public @Nullable String lastReloadError() { return lastReloadError; }

    /**
     * Swaps in {@code next} unless it changes the content of a version already served (same id and
     * number, different hash): then the current registry keeps serving and the error is logged and
     * thrown. New versions and moved labels are fine.
     */
    public synchronized void install(PromptRegistry next) {
        List<String> violations = new ArrayList<>();
        for (PromptDefinition d : next.all().values()) {
            for (PromptVersion v : d.versions().values()) {
                String seen = seenHashes.get(v.ref());
                if (seen != null && !seen.equals(v.hash())) {
                    violations.add(d.file().getFileName() + ": versions." + v.version() + " of '" + d.id()
                            + "' changed (versions are immutable: add version " + (d.versions().lastKey() + 1) + " instead)");
                }
            }
        }
        if (!violations.isEmpty()) {
            lastReloadError = String.join("; ", violations);
            log.error("prompt reload rejected, previous prompts keep serving: {}", lastReloadError);
            throw new ConfigException("prompts", lastReloadError);
        }
        for (PromptDefinition d : next.all().values()) {
            for (PromptVersion v : d.versions().values()) {
                seenHashes.put(v.ref(), v.hash());
            }
        }
        registry = next;
        lastReloadError = null;
    }

    void reloadFailed(String message) {
        lastReloadError = message;
    }

    /** Where a label points now: a runtime override, else the file's value; null if neither. */
    public @Nullable Integer labelTarget(PromptDefinition d, String label) {
        Integer o = overrides.get(d.id(), label);
        return o != null && d.versions().containsKey(o) ? o : d.labels().get(label);
    }

    public PromptDefinition definition(String id) {
        PromptDefinition d = registry.get(id);
        if (d == null) {
            throw new GatewayException(GatewayError.invalidRequest("Unknown prompt '" + id + "'.", "prompt.id"));
        }
        return d;
    }

    public PromptVersion version(PromptDefinition d, int version) {
        PromptVersion v = d.versions().get(version);
        if (v == null) {
            throw new GatewayException(GatewayError.invalidRequest("Prompt '" + d.id() + "' has no version " + version
                    + " (versions: " + d.versions().keySet() + ").", "prompt.version"));
        }
        return v;
    }

    /**
     * The version {@code label} resolves to for this caller. On the file's split label, a version is
     * picked by weighted rendezvous hashing of {@code stickyKey} (user, else key id): the same user
     * always gets the same version, and changing one weight moves only the users it must. A runtime
     * override of the split label (a promotion or rollback) turns the split off.
     */
    public PromptVersion resolveLabel(PromptDefinition d, String label, String stickyKey) {
        PromptDefinition.Split split = d.split();
        if (split != null && split.label().equals(label) && overrides.get(d.id(), label) == null) {
            return version(d, pickWeighted(d.id(), split.weights(), stickyKey));
        }
        Integer target = labelTarget(d, label);
        if (target == null) {
            throw new GatewayException(GatewayError.invalidRequest("Prompt '" + d.id() + "' has no label '" + label
                    + "' (labels: " + d.labels().keySet() + ").", "prompt.label"));
        }
        return version(d, target);
    }

    static int pickWeighted(String promptId, Map<Integer, Integer> weights, String stickyKey) {
        int best = -1;
        double bestScore = Double.POSITIVE_INFINITY;
        for (var e : weights.entrySet()) {
            double u = unitHash(promptId + "\u0000" + stickyKey + "\u0000" + e.getKey());
            double score = -Math.log(u) / e.getValue();
            if (score < bestScore || (score == bestScore && e.getKey() < best)) {
                bestScore = score;
                best = e.getKey();
            }
        }
        return best;
    }

    /** A uniform value in (0, 1] from the first 53 bits of SHA-256. */
    private static double unitHash(String s) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            long bits = 0;
            for (int i = 0; i < 8; i++) {
                bits = (bits << 8) | (h[i] & 0xff);
            }
            return ((bits >>> 11) + 1) / (double) (1L << 53);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
