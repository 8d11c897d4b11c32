package io.tollgate.server;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tollgate.core.api.ClientCodec;
import io.tollgate.core.api.OpenAiCodec;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.filter.ChainClient;
import io.tollgate.core.filter.DefaultFilterServices;
import io.tollgate.core.filter.FilterChain;
import io.tollgate.core.filter.FilterFactory;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.filter.GatewayClient;
import io.tollgate.core.filter.RequestObserver;
import io.tollgate.core.filter.RequestObserverFactory;
import io.tollgate.core.filter.Terminal;
import io.tollgate.core.filter.Ticker;
import io.tollgate.core.metrics.RequestMeters;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.state.StoreHealth;
import io.tollgate.core.upstream.UpstreamTransport;
import io.tollgate.providers.anthropic.AnthropicCodec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/**
 * Everything that lives as long as the process (meters, shared filter state, the upstream transport)
 * and the current config version (config + its filter chain), swapped atomically on reload.
 * Requests in flight finish on the snapshot they started with.
 */
public final class GatewayRuntime implements AutoCloseable {

    /** Builds the chain's terminal (the model router) for a config version. */
    @FunctionalInterface
    public interface TerminalFactory {
        Terminal create(GatewayConfig config, FilterServices services, UpstreamTransport transport);
    }

    /**
     * One config version, ready to serve: the full chain, the auth-only chain that guards
     * {@code GET /v1/models}, and the chain the gateway's own requests run through ({@link GatewayClient}).
     */
    public record Snapshot(GatewayConfig config, FilterChain chain, FilterChain authOnly, FilterChain internal) {}

    /**
     * Keeps {@code promtool check metrics} clean: Prometheus reserves {@code _count} for summaries and
     * histograms (Micrometer's {@code system.cpu.count} gauge breaks that) and wants base units in
     * names ({@code process.cpu.time} is in nanoseconds; {@code process_cpu_usage} covers it) and
     * HELP text on every metric.
     */
    private static final MeterFilter PROMETHEUS_LINT = new MeterFilter() {
        @Override
        public Meter.Id map(Meter.Id id) {
            Meter.Id mapped = id.getName().equals("system.cpu.count") ? id.withName("system.cpu.logical.processors") : id;
            if (mapped.getDescription() == null) {   // promtool wants HELP text; some binders (Netty's) have none
                mapped = new Meter.Id(mapped.getName(), Tags.of(mapped.getTagsAsIterable()), mapped.getBaseUnit(),
                        mapped.getName().replace('.', ' '), mapped.getType());
            }
            return mapped;
        }

        @Override
        public MeterFilterReply accept(Meter.Id id) {
            return id.getName().equals("process.cpu.time") ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
        }
    };

    private final PrometheusMeterRegistry registry;
    private final DefaultFilterServices services;
    private final RequestMeters requestMeters;
    private final List<FilterFactory> filterFactories;
    private final List<RequestObserverFactory> observerFactories;
    private final TerminalFactory terminalFactory;
    private final Map<ApiKind, ClientCodec> codecs = new EnumMap<>(ApiKind.class);
    private @Nullable UpstreamTransport transport;
    private volatile @Nullable Snapshot current;
    private volatile @Nullable StoreHealth storeHealth;

    public GatewayRuntime(TerminalFactory terminalFactory) {
        this(terminalFactory, Clock.systemUTC());
    }

    public GatewayRuntime(TerminalFactory terminalFactory, Clock clock) {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(PROMETHEUS_LINT);
        this.services = new DefaultFilterServices(registry, Ticker.system(), clock);
        services.gatewayClient(new ChainClient(() -> current().internal(), services.scheduler()));
        this.requestMeters = new RequestMeters(registry);
        this.terminalFactory = Objects.requireNonNull(terminalFactory, "terminalFactory");
        this.filterFactories = ServiceLoader.load(FilterFactory.class).stream().map(ServiceLoader.Provider::get).toList();
        this.observerFactories = ServiceLoader.load(RequestObserverFactory.class).stream().map(ServiceLoader.Provider::get).toList();
        for (ApiKind api : ApiKind.values()) {
            codecs.put(api, api == ApiKind.MESSAGES ? AnthropicCodec.INSTANCE : OpenAiCodec.INSTANCE);
        }
    }

    void transport(UpstreamTransport transport) {
        this.transport = transport;
    }

    /**
     * Builds the chain for {@code config} and makes it current. Throws if the config cannot be
     * served (e.g. an unknown provider type); the old snapshot then keeps serving.
     */
    public synchronized Snapshot apply(GatewayConfig config) {
        UpstreamTransport t = Objects.requireNonNull(transport, "transport not set: start the server first");
        Terminal terminal = terminalFactory.create(config, services, t);
        List<RequestObserver> observers = new ArrayList<>();
        observers.add(requestMeters);
        for (RequestObserverFactory f : observerFactories) {
            RequestObserver o = f.create(config, services);
            if (o != null) {
                observers.add(o);
            }
        }
        FilterChain chain = FilterChain.build(config, filterFactories, services, terminal, observers);
        FilterChain authOnly = FilterChain.build(config, filterFactories.stream().filter(f -> f.type().equals("auth")).toList(),
                services, io.tollgate.server.api.ModelsApi.terminal(config, io.tollgate.core.routing.Routes.of(config, services)), List.of());
        requestMeters.knownAliases(config.models().keySet());
        Snapshot snapshot = new Snapshot(config, chain, authOnly, chain.only(GatewayClient.INTERNAL_FILTERS));
        if (storeHealth == null) { // once the first chain has opened the stores, so the first probe sees them
            storeHealth = services.shared(StoreHealth.class, () -> new StoreHealth(services));
        }
        current = snapshot;
        return snapshot;
    }

    /**
     * The background probe of the ledger database and Redis that readiness reports; set before the first
     * config is current, so it is there whenever {@link #isReady()} is true. Read from event loops without a lock.
     */
    public StoreHealth storeHealth() {
        return Objects.requireNonNull(storeHealth, "no config applied yet");
    }

    public Snapshot current() {
        Snapshot s = current;
        if (s == null) {
            throw new IllegalStateException("no config applied yet");
        }
        return s;
    }

    public boolean isReady() {
        return current != null;
    }

    public @Nullable ClientCodec codec(ApiKind api) {
        return codecs.get(api);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public DefaultFilterServices services() {
        return services;
    }

    public RequestMeters requestMeters() {
        return requestMeters;
    }

    @Override
    public void close() {
        services.close();
        registry.close();
    }
}
