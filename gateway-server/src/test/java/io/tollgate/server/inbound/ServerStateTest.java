package io.tollgate.server.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServerStateTest {

    @Test
    void drainEndsWhenTheLastRequestFinishes() throws Exception {
        ServerState state = new ServerState();
        state.requestStarted();
        state.requestStarted();
        state.startDraining();
        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> {
            try {
                return state.awaitDrained(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        state.requestFinished();
        Thread.sleep(50);
        assertThat(drained).isNotDone();
        state.requestFinished();
        assertThat(drained.get(5, TimeUnit.SECONDS)).isTrue(); // long before the 30 s grace
    }

    @Test
    void drainGivesUpAfterTheGrace() throws Exception {
        ServerState state = new ServerState();
        state.requestStarted();
        state.startDraining();
        assertThat(state.awaitDrained(Duration.ofMillis(50))).isFalse();
        assertThat(state.inFlight()).isEqualTo(1);
    }

    @Test
    void nothingInFlightIsDrainedAtOnce() throws Exception {
        ServerState state = new ServerState();
        state.startDraining();
        assertThat(state.awaitDrained(Duration.ZERO)).isTrue();
        assertThat(state.isDraining()).isTrue();
    }
}
