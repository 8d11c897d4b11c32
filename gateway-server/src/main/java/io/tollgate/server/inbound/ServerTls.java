package io.tollgate.server.inbound;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import io.tollgate.core.config.TlsConfig;
import io.tollgate.core.error.RootCause;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTPS on the client port ({@code server.tls}): the certificate chain and key read from their PEM files,
 * and read again when either file changes, so a renewed certificate (cert-manager, certbot) is served to
 * new connections without a restart. Connections already open keep the session they negotiated.
 */
public final class ServerTls {

    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

    private final TlsConfig config;
    private volatile SslContext context;
    private volatile String stamp;
    /** The stamp of the last change that did not load: its ERROR is logged once, not at every check. */
    private @Nullable String refused;

    private ServerTls(TlsConfig config, SslContext context, String stamp) {
        this.config = config;
        this.context = context;
        this.stamp = stamp;
    }

    /** Reads the files; throws {@link IllegalArgumentException} saying what is wrong with them. */
    public static ServerTls load(TlsConfig config) {
        String stamp = stamp(config);
        return new ServerTls(config, build(config), stamp);
    }

    /** What {@link #load} would refuse, for {@code validate}; null when the files make a usable context. */
    public static @Nullable String problem(TlsConfig config) {
        try {
            build(config);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** A handler for a new connection, from the newest certificate. */
    SslHandler newHandler(ByteBufAllocator alloc) {
        return context.newHandler(alloc);
    }

    /**
     * Re-reads the files if either changed since the last read (size or modification time). A file that
     * does not parse (caught mid-write, a key that does not match) leaves the current certificate serving
     * and is tried again at the next check (a permission fix changes no modification time); it is logged
     * once per change. Blocking file I/O: never call it on an event loop.
     */
    public synchronized void reloadIfChanged() {
        String now = stamp(config);
        if (now.equals(stamp)) {
            return;
        }
        try {
            context = build(config);
            stamp = now;
            refused = null;
            log.info("server.tls: certificate re-read from {}", config.certFile());
        } catch (IllegalArgumentException e) {
            if (!now.equals(refused)) {
                refused = now;
                log.error("server.tls: the changed files do not make a usable certificate, still serving the previous one: {}", e.getMessage());
            }
        }
    }

    private static SslContext build(TlsConfig config) {
        File cert = new File(Objects.requireNonNull(config.certFile()));
        File key = new File(Objects.requireNonNull(config.keyFile()));
        for (File f : new File[] {cert, key}) {
            if (!f.canRead()) {
                throw new IllegalArgumentException((f == cert ? "cert-file " : "key-file ") + f + " cannot be read");
            }
        }
        SslProvider provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        SslContext context;
        try {
            context = SslContextBuilder.forServer(cert, key).sslProvider(provider).build();
        } catch (Exception e) {   // SSLException, or IllegalArgumentException for a PEM the parser cannot read
            throw new IllegalArgumentException("cert-file " + cert + " and key-file " + key + " do not make a usable certificate: "
                    + RootCause.message(e));
        }
        try {
            handshake(context, provider);
        } catch (Exception e) {
            throw new IllegalArgumentException("cert-file " + cert + " and key-file " + key + " do not make a usable certificate: "
                    + "a TLS handshake with them failed (is the key the certificate's?): " + RootCause.message(e));
        }
        return context;
    }

    /**
     * One TLS handshake in memory against {@code server}: the builder takes a key that is not the
     * certificate's without a word, and every client would then fail. Trusts any certificate: it checks
     * the pair, not who issued it.
     */
    private static void handshake(SslContext server, SslProvider provider) throws Exception {
        SslContext clientContext = SslContextBuilder.forClient().sslProvider(provider)
                .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        SSLEngine serverEngine = server.newEngine(ByteBufAllocator.DEFAULT);
        SSLEngine clientEngine = clientContext.newEngine(ByteBufAllocator.DEFAULT, "localhost", 443);
        try {
            int size = Math.max(serverEngine.getSession().getPacketBufferSize(), clientEngine.getSession().getPacketBufferSize());
            ByteBuffer toServer = ByteBuffer.allocate(size * 4);
            ByteBuffer toClient = ByteBuffer.allocate(size * 4);
            ByteBuffer empty = ByteBuffer.allocate(0);
            ByteBuffer app = ByteBuffer.allocate(size * 4);
            clientEngine.beginHandshake();
            serverEngine.beginHandshake();
            for (int round = 0; round < 64 && !(done(clientEngine) && done(serverEngine)); round++) {
                step(clientEngine, empty, toServer, toClient, app);
                step(serverEngine, empty, toClient, toServer, app);
            }
            if (!done(clientEngine) || !done(serverEngine)) {
                throw new SSLException("the handshake did not finish");
            }
        } finally {
            ReferenceCountUtil.release(serverEngine);
            ReferenceCountUtil.release(clientEngine);
        }
    }

    private static boolean done(SSLEngine engine) {
        var status = engine.getHandshakeStatus();
        return status == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || status == SSLEngineResult.HandshakeStatus.FINISHED;
    }

    /** Lets {@code engine} read what the peer wrote ({@code in}) and write what it has for the peer ({@code out}). */
    private static void step(SSLEngine engine, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer app) throws Exception {
        in.flip();
        while (in.hasRemaining()) {
            SSLEngineResult r = engine.unwrap(in, app);
            runTasks(engine);
            app.clear();
            if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() == 0) {
                break;
            }
        }
        in.compact();
        while (true) {
            SSLEngineResult r = engine.wrap(empty, out);
            runTasks(engine);
            if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesProduced() == 0) {
                break;
            }
        }
    }

    private static void runTasks(SSLEngine engine) {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }

    private static String stamp(TlsConfig config) {
        return stamp(config.certFile()) + "|" + stamp(config.keyFile());
    }

    private static String stamp(@Nullable String file) {
        try {
            Path p = Path.of(Objects.requireNonNull(file));
            return Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis();
        } catch (Exception e) {
            return "unreadable";
        }
    }
}
