package io.tollgate.core.filter;

/** A nanosecond time source ({@link System#nanoTime()}); tests use a fake one. */
@FunctionalInterface
public interface Ticker {

    long read();

    static Ticker system() {
        return System::nanoTime;
    }
}
