package io.tollgate.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DropWarningsTest {

    static final long S = 1_000_000_000L;

    @Test
    void warnsAtTheFirstDropThenOncePerIntervalWithTheCountSince() {
        DropWarnings warnings = new DropWarnings(Duration.ofSeconds(10));

        assertThat(warnings.dropped(-5 * S)).isEqualTo(1);   // any clock origin, even a negative nanoTime
        for (int i = 0; i < 999; i++) {
            assertThat(warnings.dropped(-5 * S + i)).isZero();
        }
        assertThat(warnings.dropped(4 * S)).isZero();        // 9 s after the warning
        assertThat(warnings.dropped(5 * S)).isEqualTo(1_001); // 10 s: everything since, this one included
        assertThat(warnings.dropped(6 * S)).isZero();
    }
}
