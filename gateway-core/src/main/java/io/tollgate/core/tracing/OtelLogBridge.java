package io.tollgate.core.tracing;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the OpenTelemetry SDK's own log lines (it logs through {@code java.util.logging}: a failed
 * export, a full queue) to the gateway's log, one line each like every other, instead of the JDK's
 * two-line format on stderr. The SDK throttles repeated export failures itself.
 */
final class OtelLogBridge extends Handler {

    /** Held: java.util.logging keeps loggers only weakly, and would forget the handler with it. */
    private static final java.util.logging.Logger OTEL = java.util.logging.Logger.getLogger("io.opentelemetry");
    private static final java.util.logging.Formatter FORMATTER = new java.util.logging.SimpleFormatter();
    private static boolean installed;

    private OtelLogBridge() {}

    static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        OTEL.setUseParentHandlers(false);
        OTEL.addHandler(new OtelLogBridge());
    }

    @Override
    public void publish(LogRecord record) {
        Logger log = LoggerFactory.getLogger(record.getLoggerName() == null ? "io.opentelemetry" : record.getLoggerName());
        String message = FORMATTER.formatMessage(record);   // fills {0}-style parameters, as the JDK's own handlers do
        Throwable error = record.getThrown();
        if (error != null && !log.isDebugEnabled()) {
            // a collector that is down is not the gateway's bug: its causes on the same line, the stack trace at debug
            message = message + " (" + causes(error) + ")";
            error = null;
        }
        int level = record.getLevel().intValue();
        if (level >= Level.SEVERE.intValue()) {
            log.error(message, error);
        } else if (level >= Level.WARNING.intValue()) {
            log.warn(message, error);
        } else if (level >= Level.INFO.intValue()) {
            log.info(message, error);
        } else {
            log.debug(message, error);
        }
    }

    /** {@code java.net.ConnectException: <- java.nio.channels.ClosedChannelException}: each cause once, at most four. */
    static String causes(Throwable error) {
        StringBuilder sb = new StringBuilder();
        Throwable t = error;
        for (int i = 0; t != null && i < 4; i++, t = t.getCause()) {
            sb.append(i == 0 ? "" : " <- ").append(t);
            if (t.getCause() == t) {
                break;
            }
        }
        return sb.toString();
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
}
