package io.tollgate.server.config;

import org.slf4j.LoggerFactory;

/** SIGHUP where the platform has it ({@code sun.misc.Signal}); a no-op elsewhere (e.g. Windows). */
final class SignalHandlers {

    private SignalHandlers() {}

    static void onHangup(Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> action.run());
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            LoggerFactory.getLogger(SignalHandlers.class).info("SIGHUP reload is not available on this platform: {}", e.toString());
        }
    }
}
