package io.tollgate.server.config;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.core.config.ConfigLoader;
import io.tollgate.core.config.ConfigProblem;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.filter.DefaultFilterServices;
import io.tollgate.core.filter.FilterChain;
import io.tollgate.core.filter.FilterFactory;
import io.tollgate.core.filter.RequestObserverFactory;
import io.tollgate.core.filter.Ticker;
import io.tollgate.core.routing.Providers;
import io.tollgate.server.inbound.ServerTls;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The one check a config passes before anything is built from it, so that {@code validate}, {@code serve} and
 * every reload accept and refuse the same files. First the file's shape ({@link ConfigLoader}: types, unknown
 * keys, references between sections); then what building it would refuse, asked of the parts that build it:
 * each provider factory, each enabled filter factory and each request observer factory ({@code check}).
 *
 * <p>Nothing is opened: no database or Redis connection, no file written, no thread left running, no network.
 * A store that is down is therefore not a config problem; readiness ({@code /health/ready}) reports it.
 */
public final class ConfigCheck {

    private ConfigCheck() {}

    /** Loads and checks {@code file}: the config, or every problem found. */
    public static ConfigLoader.LoadResult load(Path file) {
        return checked(ConfigLoader.load(file));
    }

    /** {@code loaded} when it has no problems the builders would meet either; otherwise it refused, with them all. */
    public static ConfigLoader.LoadResult checked(ConfigLoader.LoadResult loaded) {
        if (!loaded.isValid()) {
            return loaded;   // the builders' checks assume a well-formed config
        }
        GatewayConfig config = loaded.config();
        Set<ConfigProblem> problems = new LinkedHashSet<>();   // filters sharing a store report its problem once
        if (config.server().tls().enabled()) {
            String tls = ServerTls.problem(config.server().tls());
            if (tls != null) {
                problems.add(new ConfigProblem("server.tls", 0, tls));
            }
        }
        problems.addAll(providerProblems(config));
        problems.addAll(FilterChain.check(config, load(FilterFactory.class)));
        for (RequestObserverFactory observers : load(RequestObserverFactory.class)) {
            problems.addAll(observers.check(config));
        }
        return loaded.rejectedFor(List.copyOf(problems));
    }

    /** Adapters are built (and dropped) with services that start nothing unless asked: no thread runs here. */
    private static List<ConfigProblem> providerProblems(GatewayConfig config) {
        try (DefaultFilterServices services = new DefaultFilterServices(new SimpleMeterRegistry(), Ticker.system(), Clock.systemUTC())) {
            return Providers.check(config, services);
        }
    }

    private static <T> List<T> load(Class<T> type) {
        return ServiceLoader.load(type).stream().map(ServiceLoader.Provider::get).toList();
    }
}
