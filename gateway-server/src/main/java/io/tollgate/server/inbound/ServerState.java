package io.tollgate.server.inbound;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Server-wide state the handlers share: in-flight count and whether we are draining for shutdown. */
public final class ServerState {

    private final AtomicInteger inFlight = new AtomicInteger();
    private final CountDownLatch drained = new CountDownLatch(1);
    private volatile boolean draining;

    public void requestStarted() {
        inFlight.incrementAndGet();
    }

    public void requestFinished() {
        if (inFlight.decrementAndGet() == 0 && draining) {
            drained.countDown();
        }
    }

    public int inFlight() {
        return inFlight.get();
    }

    public boolean isDraining() {
        return draining;
    }

    /** From now on new requests are refused (503) and the last one to finish signals {@link #awaitDrained}. */
    public void startDraining() {
        draining = true;
        if (inFlight.get() == 0) {
            drained.countDown();
        }
    }

    /** Waits until no request is in flight, or {@code grace} has passed: whether everything finished. */
    public boolean awaitDrained(Duration grace) throws InterruptedException {
        return drained.await(grace.toNanos(), TimeUnit.NANOSECONDS) || inFlight.get() == 0;
    }
}
