package io.tollgate.server;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import io.tollgate.core.accesslog.AccessLog;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Tollgate's logging: one line per event on stdout, {@code io.tollgate} at {@code TOLLGATE_LOG_LEVEL}
 * (default INFO), chatty libraries at WARN. Set in code rather than logback.xml because parsing XML
 * costs about 150 ms of every start. An operator's own file still wins: {@code -Dlogback.configurationFile=...}
 * (and the tests' {@code logback-test.xml}) hand over to logback's usual configuration.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {

    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n";
    private static final Map<String, Level> LIBRARIES = Map.of(
            "io.netty", Level.INFO, "com.zaxxer.hikari", Level.WARN, "org.flywaydb", Level.WARN, "io.lettuce", Level.WARN);

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null || getClass().getResource("/logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
        stdout.setContext(context);
        stdout.setName("STDOUT");
        stdout.setEncoder(encoder);
        stdout.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(stdout);
        context.getLogger("io.tollgate").setLevel(Level.toLevel(System.getenv("TOLLGATE_LOG_LEVEL"), Level.INFO));
        accessLog(context);
        LIBRARIES.forEach((name, level) -> context.getLogger(name).setLevel(level));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Stops logging at exit, after writing out what the asynchronous appenders still hold. */
    static void stop() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }

    /**
     * {@code server.access-log} lines: the bare JSON on stdout, through an asynchronous appender that
     * drops lines when its queue is full rather than hold up an event loop behind a slow stdout.
     */
    private static void accessLog(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
        stdout.setContext(context);
        stdout.setName("ACCESS_STDOUT");
        stdout.setEncoder(encoder);
        stdout.start();
        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName("ACCESS");
        async.setQueueSize(8192);
        async.setDiscardingThreshold(0); // keep every level until the queue is full
        async.setNeverBlock(true);
        async.addAppender(stdout);
        async.start();
        Logger access = context.getLogger(AccessLog.LOGGER_NAME);
        access.setAdditive(false);
        access.setLevel(Level.INFO);
        access.addAppender(async);
    }
}
