package io.tollgate.core.auth;

import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.KeyConfig;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.ledger.LedgerDatabase;
import io.tollgate.core.ledger.ReplicaReads;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Every virtual key the gateway accepts: those in config (replaced on each reload by {@link #syncConfig}) and
 * those created through the admin API (persisted in the ledger database, loaded at start; every few seconds the
 * keys other replicas wrote since the previous read are read again). Shared for the life of the process.
 * Lookups are lock-free map reads, safe on event loops; mutations ({@link #create}, {@link #update}) write the
 * database and must run on the blocking executor. Each change touches only its own key: creating the
 * 100,000th key costs what creating the first did.
 *
 * <p>A presented key is hashed with SHA-256, the hash finds the candidate, and the hashes are compared with
 * {@link java.security.MessageDigest#isEqual} (constant time). The key itself is never stored or logged.
 */
public final class KeyStore {

    private final @Nullable KeyRepository repository;
    private final Clock clock;
    private volatile Map<String, VirtualKey> configById = Map.of();
    private final Map<String, VirtualKey> apiById = new ConcurrentHashMap<>();
    private final List<Consumer<VirtualKey>> listeners = new CopyOnWriteArrayList<>();
    private final ReplicaReads reads = new ReplicaReads("virtual keys");
    /** When the previous read of the database began, and the previous read of every key; guarded by this. */
    private Instant lastRead;
    private Instant lastFullRead;
    /** SHA-256 -> key. Config keys are replaced as a whole on reload and win over an API key with the same hash. */
    private volatile Map<HashKey, VirtualKey> configByHash = Map.of();
    private final Map<HashKey, VirtualKey> apiByHash = new ConcurrentHashMap<>();

    /** A store backed by {@code db} (admin-created keys persist); {@code db} null keeps them in memory only. */
    public KeyStore(@Nullable LedgerDatabase db, Clock clock) {
        this.repository = db == null ? null : new KeyRepository(db);
        this.clock = clock;
        this.lastRead = clock.instant();
        this.lastFullRead = lastRead;
        if (repository != null) {
            repository.loadAll().forEach(this::putApiKey);
        }
    }

    /**
     * The process-wide store; opens the ledger database on first use (startup) and re-reads its keys
     * every {@link #REFRESH_INTERVAL}, so keys other replicas create, change or revoke take effect here.
     */
    public static KeyStore shared(FilterServices services, GatewayConfig config) {
        LedgerDatabase db = LedgerDatabase.shared(services, config);
        return services.shared(KeyStore.class, () -> {
            KeyStore store = new KeyStore(db, services.clock());
            ReplicaReads.every(services, REFRESH_INTERVAL, store::refresh);
            return store;
        });
    }

    /** How soon a key created, changed or revoked on another replica (same database) takes effect on this one. */
    public static final Duration REFRESH_INTERVAL = Duration.ofSeconds(5);

    /**
     * How far before the previous read a refresh starts reading writes: room for replicas' clocks to differ
     * and for a write to commit a while after it took its time.
     */
    static final Duration WRITE_LOOKBACK = Duration.ofMinutes(1);

    /** How often a refresh reads every key: catches a write stamped by a clock further behind than the look-back. */
    static final Duration FULL_READ_INTERVAL = Duration.ofMinutes(5);

    /**
     * Reads the admin API's keys written since the previous read (less {@link #WRITE_LOOKBACK}), or every key
     * once per {@link #FULL_READ_INTERVAL}, from the database (blocking) and tells the listeners of each one
     * that changed. A failure keeps the keys as they were; it is logged once until a read succeeds again.
     */
    public void refresh() {
        if (repository == null) {
            return;
        }
        List<VirtualKey> changed = new ArrayList<>();
        synchronized (this) {   // not interleaved with this replica's own writes
            Instant started = clock.instant();
            boolean full = !started.isBefore(lastFullRead.plus(FULL_READ_INTERVAL));
            List<VirtualKey> loaded = reads.read(() -> full ? repository.loadAll()
                    : repository.loadWrittenSince(lastRead.minus(WRITE_LOOKBACK).toEpochMilli()));
            if (loaded == null) {
                return;
            }
            lastRead = started;
            if (full) {
                lastFullRead = started;
            }
            for (VirtualKey k : loaded) {
                if (!k.equals(apiById.get(k.id()))) {
                    putApiKey(k);
                    changed.add(k);
                }
            }
        }
        changed.forEach(this::tell);
    }

    /** Tells {@code listener} of every API key created or changed (here or, seen by {@link #refresh}, elsewhere), on the caller's thread: keep it short. */
    public void onChange(Consumer<VirtualKey> listener) {
        listeners.add(listener);
    }

    private void tell(VirtualKey changed) {
        listeners.forEach(l -> l.accept(changed));
    }

    /** Replaces the config keys with {@code keys} (at start and on reload). */
    public synchronized void syncConfig(List<KeyConfig> keys) {
        Instant now = clock.instant();
        Map<String, VirtualKey> byId = new HashMap<>();
        for (KeyConfig k : keys) {
            VirtualKey old = configById.get(k.id());
            VirtualKey v = VirtualKey.fromConfig(k, old == null ? now : old.created());
            byId.put(k.id(), v);
        }
        Map<HashKey, VirtualKey> byHash = new HashMap<>();
        byId.values().forEach(k -> byHash.put(new HashKey(k.hashUnsafe()), k));
        configById = Map.copyOf(byId);
        configByHash = Map.copyOf(byHash);
    }

    /** The active key {@code presented} authenticates, or null (unknown, expired or revoked). */
    public @Nullable VirtualKey authenticate(@Nullable String presented) {
        if (presented == null || presented.isEmpty()) {
            return null;
        }
        byte[] hash = KeyHash.sha256(presented);
        HashKey h = new HashKey(hash);
        VirtualKey k = configByHash.get(h);
        if (k == null) {
            k = apiByHash.get(h);
        }
        if (k == null || !KeyHash.matches(hash, k.hashUnsafe())) {
            return null;
        }
        return k.isActive(clock) ? k : null;
    }

    /** A key by id (config keys first), revoked or not; for limits and budgets: {@code limits()}, {@code budget()}. */
    public @Nullable VirtualKey find(String id) {
        VirtualKey k = configById.get(id);
        return k != null ? k : apiById.get(id);
    }

    public List<VirtualKey> list() {
        List<VirtualKey> all = new ArrayList<>(configById.values());
        all.addAll(apiById.values());
        all.sort(Comparator.comparing(VirtualKey::id));
        return all;
    }

    /** Persists a new API key. Blocking. */
    public synchronized VirtualKey create(VirtualKey key) throws KeyConflictException, SQLException {
        if (key.source() != VirtualKey.Source.API) {
            throw new IllegalArgumentException("only API keys can be created");
        }
        if (find(key.id()) != null) {
            throw new KeyConflictException("A key with id '" + key.id() + "' already exists.");
        }
        if (repository != null) {
            repository.insert(key, clock.instant());
        }
        putApiKey(key);
        tell(key);
        return key;
    }

    /** Applies {@code change} to an API key and persists it. Blocking. Null when there is no such key. */
    public synchronized @Nullable VirtualKey update(String id, UnaryOperator<VirtualKey> change) throws KeyConflictException, SQLException {
        if (configById.containsKey(id)) {
            throw new KeyConflictException("The key '" + id + "' is defined in the config file and is read-only through the admin API;"
                    + " change it in the config and reload.");
        }
        VirtualKey old = apiById.get(id);
        if (old == null) {
            return null;
        }
        VirtualKey updated = change.apply(old);
        if (repository != null) {
            repository.update(updated, clock.instant());
        }
        putApiKey(updated);
        tell(updated);
        return updated;
    }

    /** Revokes an API key (kept for the ledger's sake, refused from now on). Blocking. */
    public @Nullable VirtualKey revoke(String id) throws KeyConflictException, SQLException {
        Instant now = clock.instant();
        return update(id, k -> k.revoked() != null ? k : new VirtualKey(k.id(), k.hashUnsafe(), k.source(), k.team(), k.models(),
                k.metadata(), k.limits(), k.budget(), k.maxCostUsd(), k.expires(), now, k.created()));
    }

    public Instant now() {
        return clock.instant();
    }

    /** Adds or replaces an API key in both maps; callers hold this store's lock (or construct it). */
    private void putApiKey(VirtualKey k) {
        VirtualKey old = apiById.put(k.id(), k);
        if (old != null && !Arrays.equals(old.hashUnsafe(), k.hashUnsafe())) {
            apiByHash.remove(new HashKey(old.hashUnsafe()), old);
        }
        apiByHash.put(new HashKey(k.hashUnsafe()), k);
    }

    /** A SHA-256 as a map key, compared by content. */
    private record HashKey(byte[] sha256) {
        @Override
        public boolean equals(Object o) {
            return o instanceof HashKey h && Arrays.equals(h.sha256, sha256);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(sha256);
        }
    }

    /** An admin change the store refuses (409). */
    public static final class KeyConflictException extends Exception {
        public KeyConflictException(String message) {
            super(message);
        }
    }
}
