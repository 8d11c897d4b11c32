package io.tollgate.core.testing;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.core.filter.DefaultFilterServices;
import io.tollgate.core.filter.Ticker;
import java.time.Clock;
import java.time.Instant;

/** {@link DefaultFilterServices} with a {@link SimpleMeterRegistry}, a fake ticker and a settable clock. */
public final class TestFilterServices {

    private TestFilterServices() {}

    public static DefaultFilterServices create() {
        return of(new SimpleMeterRegistry(), new FakeTicker(), new MutableClock(Instant.parse("2026-01-15T12:00:00Z")));
    }

    public static DefaultFilterServices of(MeterRegistry registry, Ticker ticker, Clock clock) {
        return new DefaultFilterServices(registry, ticker, clock);
    }
}
