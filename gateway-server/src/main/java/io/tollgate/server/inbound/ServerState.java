package io.tollgate.server.inbound;

import java.util.concurrent.atomic.AtomicInteger;

/** Server-wide state the handlers share: in-flight count and whether we are draining for shutdown. */
public final class ServerState {

    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    public void requestStarted() {
        inFlight.incrementAndGet();
    }

    public void requestFinished() {
        inFlight.decrementAndGet();
    }

    public int inFlight() {
        return inFlight.get();
    }

    public boolean isDraining() {
        return draining;
    }

    public void startDraining() {
        draining = true;
    }
}
