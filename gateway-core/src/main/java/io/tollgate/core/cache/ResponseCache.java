package io.tollgate.core.cache;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where cached answers live: in this process ({@link MemoryResponseCache}) or shared by replicas
 * ({@link RedisResponseCache}). Never fails a request: a backend error is a miss, a failed store is dropped.
 */
public interface ResponseCache {

    CompletionStage<Optional<CachedAnswer>> get(String key);

    void put(String key, CachedAnswer answer, Duration ttl);

    /** Entries held (approximate; -1 if the backend cannot tell cheaply). */
    long entries();

    /** Bytes held (approximate; -1 if the backend cannot tell cheaply). */
    long bytes();
}
