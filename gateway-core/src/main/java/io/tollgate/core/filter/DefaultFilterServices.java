package io.tollgate.core.filter;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The process's {@link FilterServices}: closes what it lent out when the gateway stops. */
public final class DefaultFilterServices implements FilterServices, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DefaultFilterServices.class);

    private final MeterRegistry registry;
    private final Ticker ticker;
    private final Clock clock;
    private final ExecutorService blocking;
    private final ScheduledExecutorService scheduler;
    private final Map<Class<?>, Object> shared = new LinkedHashMap<>();
    private volatile GatewayClient gatewayClient = GatewayClient.UNAVAILABLE;

    public DefaultFilterServices(MeterRegistry registry, Ticker ticker, Clock clock) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.blocking = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("tollgate-blocking-", 0).factory());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("tollgate-timer").factory());
    }

    @Override public MeterRegistry meterRegistry() { return registry; }
    @Override public Ticker ticker() { return ticker; }
    @Override public Clock clock() { return clock; }
    @Override public Executor blockingExecutor() { return blocking; }
    @Override public ScheduledExecutorService scheduler() { return scheduler; }
    @Override public GatewayClient gatewayClient() { return gatewayClient; }

    /** Set once by the server, which owns the chains internal requests run through. */
    public void gatewayClient(GatewayClient client) {
        this.gatewayClient = Objects.requireNonNull(client, "client");
    }

    @Override
    public synchronized <T> T shared(Class<T> type, Supplier<? extends T> factory) {
        Object existing = shared.get(type);
        if (existing == null) {
            existing = Objects.requireNonNull(factory.get(), "factory returned null for " + type.getName());
            shared.put(type, existing);
        }
        return type.cast(existing);
    }

    @Override
    public synchronized <T> @Nullable T existing(Class<T> type) {
        return type.cast(shared.get(type));
    }

    /** Closes shared services newest first, then the executors. */
    @Override
    public void close() {
        List<Object> services;
        synchronized (this) {
            services = new ArrayList<>(shared.values());
            shared.clear();
        }
        for (int i = services.size() - 1; i >= 0; i--) {
            if (services.get(i) instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    log.warn("closing {} failed", c.getClass().getSimpleName(), e);
                }
            }
        }
        scheduler.shutdownNow();
        blocking.shutdown();
        try {
            blocking.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
