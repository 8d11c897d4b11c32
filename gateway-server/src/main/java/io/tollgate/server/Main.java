package io.tollgate.server;

import io.tollgate.core.admin.AdminResponse;
import io.tollgate.core.config.ConfigException;
import io.tollgate.core.config.ConfigLoader;
import io.tollgate.core.config.ConfigProblem;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.metering.Tokenizers;
import io.tollgate.core.model.Json;
import io.tollgate.core.routing.ModelRouter;
import io.tollgate.core.routing.Providers;
import io.tollgate.server.api.AdminApi;
import io.tollgate.server.config.ConfigCheck;
import io.tollgate.server.config.ConfigReloader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command line: {@code serve} (default), {@code validate}, {@code version}.
 *
 * <pre>
 * java -jar gateway.jar serve    [--config config/gateway.yaml] [--host H] [--port P]
 * java -jar gateway.jar validate [--config F]     exit 0, or 1 with every problem listed (see {@link ConfigCheck})
 * java -jar gateway.jar version
 * </pre>
 */
public final class Main {

    private static final Logger log = LoggerFactory.getLogger(Main.class);
    static final String DEFAULT_CONFIG = "config/gateway.yaml";

    private Main() {}

    public static void main(String[] args) throws Exception {
        CommandLine line = CommandLine.parse(args);
        if (line.error() != null) {
            System.err.println(line.error());
            usage(System.err);
            System.exit(2);
        }
        Path config = Path.of(line.option("--config", DEFAULT_CONFIG));
        int exit = switch (line.command()) {
            case "serve" -> serve(config, line.option("--host", null), line.option("--port", null));
            case "validate" -> validate(config, System.out, System.err);
            case "version" -> {
                System.out.println("tollgate " + version());
                yield 0;
            }
            default -> {   // help
                usage(System.out);
                yield 0;
            }
        };
        if (exit != 0 || !line.command().equals("serve")) {
            System.exit(exit);
        }
    }

    /** The model router for each config version: the terminal of every filter chain. */
    public static GatewayRuntime.TerminalFactory terminalFactory() {
        return ModelRouter::create;
    }

    static int validate(Path file, PrintStream out, PrintStream err) {
        if (!Files.isRegularFile(file)) {
            err.println(file + ": no such file");
            return 1;
        }
        ConfigLoader.LoadResult result = ConfigCheck.load(file);
        if (result.isValid()) {
            GatewayConfig c = result.config();
            out.println(file + ": OK (" + c.providers().size() + " providers, " + c.models().size() + " models, " + c.keys().size() + " keys)");
            Providers.warnings(c).forEach(warning -> out.println("  warning: " + warning));
            return 0;
        }
        err.println(file + ": " + result.problems().size() + " problem(s)");
        for (ConfigProblem p : result.problems()) {
            err.println("  " + p);
        }
        return 1;
    }

    private static int serve(Path file, String host, String port) throws Exception {
        ConfigLoader.LoadResult result = ConfigCheck.load(file);
        if (!result.isValid()) {
            System.err.println(file + ": cannot start, " + result.problems().size() + " problem(s)");
            result.problems().forEach(p -> System.err.println("  " + p));
            return 1;
        }
        GatewayConfig config;
        try {
            config = overrides(result.config(), host, port);
        } catch (ConfigException e) {   // --port equal to the file's server.management-port, say
            System.err.println(file + ": cannot start with the --host and --port given, server." + e.getMessage());
            return 1;
        }
        GatewayRuntime runtime = new GatewayRuntime(terminalFactory());
        GatewayServer server;
        try {
            server = GatewayServer.start(config, runtime);
        } catch (ConfigException e) {   // what only starting finds: a server.transport this machine lacks, say
            System.err.println(file + ": cannot start, " + e.getMessage());
            runtime.close();
            return 1;
        }
        ConfigReloader reloader = new ConfigReloader(file, next -> apply(runtime, overrides(next, host, port)), runtime.registry());
        AdminApi.routes(runtime).add("POST", "/admin/reload", request -> CompletableFuture.supplyAsync(() -> {
            var outcome = reloader.reloadNow();
            var body = Json.object().put("reloaded", outcome.success());
            var problems = body.putArray("problems");
            outcome.problems().forEach(p -> problems.add(p.toString()));
            return AdminResponse.json(outcome.success() ? 200 : 400, body);
        }, runtime.services().blockingExecutor()));
        reloader.start(Path.of(config.prompts().dir()));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("shutting down: draining in-flight requests (grace {})", config.server().shutdownGrace());
            reloader.close();
            server.close();
            Tokenizers.awaitIdle(Duration.ofSeconds(5));
            LogConfigurator.stop(); // writes out the access log's queued lines
        }, "tollgate-shutdown"));
        server.awaitTermination();   // until SIGTERM/SIGINT runs the hook above
        return 0;
    }

    /** Applies a reloaded config; a config the runtime cannot build leaves the old one serving. */
    private static void apply(GatewayRuntime runtime, GatewayConfig next) {
        GatewayConfig previous = runtime.current().config();
        if (previous.server().needsRestartFor(next.server())) {
            log.warn("server: changes to the server section (host, port, sizes, threads) take effect after a restart");
        }
        runtime.apply(next);
        log.info("config reloaded: {} providers, {} models, {} keys", next.providers().size(), next.models().size(), next.keys().size());
    }

    /** {@code --host} and {@code --port} win over the file (Docker binds 0.0.0.0 this way). */
    static GatewayConfig overrides(GatewayConfig c, String host, String port) {
        if (host == null && port == null) {
            return c;
        }
        var s = c.server();
        var server = s.bindingTo(host != null ? host : s.host(), port != null ? Integer.parseInt(port) : s.port());
        return new GatewayConfig(server, c.auth(), c.providers(), c.models(), c.pricing(), c.teams(), c.keys(), c.cache(), c.prompts(),
                c.state(), c.alerts(), c.filters(), c.guardrails(), c.tracing());
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    private static void usage(PrintStream out) {
        out.println("""
                usage: java -jar gateway.jar <command> [options]
                  serve     run the gateway (default)       --config F (default config/gateway.yaml), --host H, --port P
                  validate  check a config file, list every problem; exit 0 if valid     --config F
                  version   print the version
                  help      print this (also --help, -h)""");
    }
}
