package io.tollgate.core.error;

/** The innermost cause of a failure: what a log line or a config error should name, not its wrappers. */
public final class RootCause {

    private RootCause() {}

    /** The last throwable in {@code t}'s cause chain ({@code t} itself when it has none). */
    public static Throwable of(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** The root cause's message, or its class's simple name when it has none. */
    public static String message(Throwable t) {
        Throwable root = of(t);
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }
}
