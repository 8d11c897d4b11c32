package io.tollgate.core.auth;

import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.KeyConfig;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.ledger.LedgerDatabase;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every virtual key the gateway accepts: those in config (replaced on each reload by {@link #syncConfig}) and
 * those created through the admin API (persisted in the ledger database, loaded at start and re-read every few
 * seconds for the changes of other replicas). Shared for the
 * life of the process. Lookups are lock-free reads of immutable maps, safe on event loops; mutations
 * ({@link #create}, {@link #update}) write the database and must run on the blocking executor.
 *
 * <p>A presented key is hashed with SHA-256, the hash finds the candidate, and the hashes are compared with
 * {@link java.security.MessageDigest#isEqual} (constant time). The key itself is never stored or logged.
 */
public final class KeyStore {

    private static final Logger log = LoggerFactory.getLogger(KeyStore.class);

    private final @Nullable KeyRepository repository;
    private final Clock clock;
    private volatile Map<String, VirtualKey> configById = Map.of();
    private final Map<String, VirtualKey> apiById = new ConcurrentHashMap<>();
    private final List<Consumer<VirtualKey>> listeners = new CopyOnWriteArrayList<>();
    private boolean refreshFailing;   // guarded by this
    /** hex SHA-256 -> key, rebuilt on every change (changes are rare, lookups are per request). */
    private volatile Map<String, VirtualKey> byHash = Map.of();

    /** A store backed by {@code db} (admin-created keys persist); {@code db} null keeps them in memory only. */
    public KeyStore(@Nullable LedgerDatabase db, Clock clock) {
        this.repository = db == null ? null : new KeyRepository(db);
        this.clock = clock;
        if (repository != null) {
            for (VirtualKey k : repository.loadAll()) {
                apiById.put(k.id(), k);
            }
        }
        reindex();
    }

    /**
     * The process-wide store; opens the ledger database on first use (startup) and re-reads its keys
     * every {@link #REFRESH_INTERVAL}, so keys other replicas create, change or revoke take effect here.
     */
    public static KeyStore shared(FilterServices services, GatewayConfig config) {
        LedgerDatabase db = LedgerDatabase.shared(services, config);
        return services.shared(KeyStore.class, () -> {
            KeyStore store = new KeyStore(db, services.clock());
            long ms = REFRESH_INTERVAL.toMillis();
            services.scheduler().scheduleWithFixedDelay(() -> services.blockingExecutor().execute(store::refresh), ms, ms, TimeUnit.MILLISECONDS);
            return store;
        });
    }

    /** How soon a key created, changed or revoked on another replica (same database) takes effect on this one. */
    public static final Duration REFRESH_INTERVAL = Duration.ofSeconds(5);

    /**
     * Re-reads the admin API's keys from the database (blocking) and tells the listeners of each one that
     * changed. A failure keeps the keys as they were; it is logged once until a read succeeds again.
     */
    public void refresh() {
        if (repository == null) {
            return;
        }
        List<VirtualKey> changed = new ArrayList<>();
        synchronized (this) {   // not interleaved with this replica's own writes
            List<VirtualKey> loaded;
            try {
                loaded = repository.loadAll();
            } catch (RuntimeException e) {
                if (!refreshFailing) {
                    log.warn("Re-reading virtual keys from the database failed; keeping the ones loaded: {}", e.getMessage());
                    refreshFailing = true;
                }
                return;
            }
            if (refreshFailing) {
                log.info("Re-reading virtual keys from the database works again");
                refreshFailing = false;
            }
            for (VirtualKey k : loaded) {
                if (!k.equals(apiById.put(k.id(), k))) {
                    changed.add(k);
                }
            }
            if (!changed.isEmpty()) {
                reindex();
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
        configById = Map.copyOf(byId);
        reindex();
    }

    /** The active key {@code presented} authenticates, or null (unknown, expired or revoked). */
    public @Nullable VirtualKey authenticate(@Nullable String presented) {
        if (presented == null || presented.isEmpty()) {
            return null;
        }
        byte[] hash = KeyHash.sha256(presented);
        VirtualKey k = byHash.get(HexFormat.of().formatHex(hash));
        if (k == null || !KeyHash.matches(hash, k.hashUnsafe())) {
            return null;
        }
        return k.isActive(clock.instant()) ? k : null;
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
            repository.insert(key);
        }
        apiById.put(key.id(), key);
        reindex();
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
            repository.update(updated);
        }
        apiById.put(id, updated);
        reindex();
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

    private synchronized void reindex() {
        Map<String, VirtualKey> m = new HashMap<>();
        for (VirtualKey k : apiById.values()) {
            m.put(HexFormat.of().formatHex(k.hashUnsafe()), k);
        }
        for (VirtualKey k : configById.values()) { // config wins if the same key is in both
            m.put(HexFormat.of().formatHex(k.hashUnsafe()), k);
        }
        byHash = Map.copyOf(m);
    }

    /** An admin change the store refuses (409). */
    public static final class KeyConflictException extends Exception {
        public KeyConflictException(String message) {
            super(message);
        }
    }
}
