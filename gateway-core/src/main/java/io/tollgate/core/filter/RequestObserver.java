package io.tollgate.core.filter;

import io.tollgate.core.model.Completion;

/**
 * Told once about every finished request, after every response hook ran: request meters and the
 * ledger. Runs on the event loop: record in memory or enqueue, never block.
 */
@FunctionalInterface
public interface RequestObserver {

    void onComplete(Exchange ex, Completion completion);
}
