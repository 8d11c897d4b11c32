package io.tollgate.core.config;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * {@code server:} where and how the gateway listens.
 *
 * @param host             bind address; null means "not set" (127.0.0.1, and loopback is enforced in open auth mode)
 * @param port             client port
 * @param maxRequestSize   larger bodies get 413
 * @param shutdownGrace    how long SIGTERM waits for in-flight requests and streams
 * @param idleTimeout      closes client connections idle this long
 * @param requestReadTimeout how long a client has to send a whole request (head and body) from its first byte; 408 after
 * @param ioThreads        event loops; 0 = one per CPU
 * @param managementPort   also serve /health on this port, and /metrics only there (0 = everything on the client port)
 * @param transport        the socket layer under Netty: {@code auto} is epoll on Linux and NIO elsewhere; io_uring is opt-in
 * @param accessLog        one JSON line per finished request on the logger {@code tollgate.access} (reloads live)
 * @param cors             which browser origins may call the client port (reloads live)
 * @param tls              HTTPS on the client port (the files are re-read when they change)
 * @param maxConnections   client connections the client port holds open at once; over it a connection's request gets
 *                         503 {@code too_many_connections} and the connection closes (health checks are answered). 0 = no cap
 */
public record ServerConfig(@Nullable String host, Integer port, DataSize maxRequestSize, Duration shutdownGrace,
                           Duration idleTimeout, Integer ioThreads, Integer managementPort, Transport transport,
                           Boolean accessLog, CorsConfig cors, TlsConfig tls, Duration requestReadTimeout,
                           Integer maxConnections) {

    public static final ServerConfig DEFAULT = new ServerConfig(null, null, null, null, null, null, null, null, null, null, null, null, null);

    /** Netty's native transports (Linux) and its portable one. */
    public enum Transport { AUTO, IO_URING, EPOLL, NIO }

    public ServerConfig {
        port = Defaults.or(port, 8080);
        maxRequestSize = Defaults.or(maxRequestSize, DataSize.ofMegabytes(8));
        shutdownGrace = Defaults.or(shutdownGrace, Duration.ofSeconds(30));
        idleTimeout = Defaults.or(idleTimeout, Duration.ofMinutes(5));
        ioThreads = Defaults.or(ioThreads, 0);
        managementPort = Defaults.or(managementPort, 0);
        transport = Defaults.or(transport, Transport.AUTO);
        accessLog = Defaults.or(accessLog, false);
        cors = Defaults.or(cors, CorsConfig.DEFAULT);
        tls = Defaults.or(tls, TlsConfig.DEFAULT);
        requestReadTimeout = Defaults.or(requestReadTimeout, Duration.ofSeconds(60));
        maxConnections = Defaults.or(maxConnections, 0);
        if (port < 0 || port > 65535) throw new ConfigException("port", port, "0-65535");
        if (managementPort < 0 || managementPort > 65535) throw new ConfigException("management-port", managementPort, "0-65535");
        if (managementPort != 0 && managementPort.equals(port)) throw new ConfigException("management-port", managementPort, "a port other than server.port");
        if (ioThreads < 0) throw new ConfigException("io-threads", ioThreads, ">= 0");
        if (maxRequestSize.bytes() < 1024) throw new ConfigException("max-request-size", maxRequestSize, ">= 1KB");
        if (requestReadTimeout.toMillis() < 1) throw new ConfigException("request-read-timeout", requestReadTimeout, ">= 1ms");
        if (maxConnections < 0) throw new ConfigException("max-connections", maxConnections, ">= 0 (0 = no cap)");
    }

    /** True when {@code next} changes what only a restart applies: everything but the access log and CORS, which reload live. */
    public boolean needsRestartFor(ServerConfig next) {
        return !equals(new ServerConfig(next.host, next.port, next.maxRequestSize, next.shutdownGrace, next.idleTimeout,
                next.ioThreads, next.managementPort, next.transport, accessLog, cors, next.tls, next.requestReadTimeout,
                next.maxConnections));
    }

    /** This config listening on {@code host} and {@code port} instead (the command line's {@code --host} and {@code --port}). */
    public ServerConfig bindingTo(@Nullable String host, int port) {
        return new ServerConfig(host, port, maxRequestSize, shutdownGrace, idleTimeout, ioThreads, managementPort, transport,
                accessLog, cors, tls, requestReadTimeout, maxConnections);
    }

    /** The address to bind: the configured host, else loopback. */
    public String bindHost() {
        return host != null ? host : "127.0.0.1";
    }
}
