package io.tollgate.core.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OneAtATimeTest {

    @Test
    void triggersWhileARunIsQueuedOrUnderWayAddNoRun() {
        Queue<Runnable> queued = new ArrayDeque<>();
        AtomicInteger runs = new AtomicInteger();
        OneAtATime task = new OneAtATime(queued::add, runs::incrementAndGet);

        task.trigger();
        task.trigger();
        assertThat(queued).hasSize(1);
        assertThat(task.underway()).isTrue();

        queued.poll().run();
        assertThat(runs).hasValue(1);
        assertThat(task.underway()).isFalse();
        task.trigger();
        assertThat(queued).hasSize(1);
    }

    @Test
    void aRunThatThrowsOrAnExecutorThatRefusesLeavesTheNextTriggerFree() {
        Queue<Runnable> queued = new ArrayDeque<>();
        OneAtATime failing = new OneAtATime(queued::add, () -> { throw new IllegalStateException("store down"); });
        failing.trigger();
        assertThatThrownBy(() -> queued.poll().run()).hasMessage("store down");   // the executor sees the failure
        assertThat(failing.underway()).isFalse();

        OneAtATime refused = new OneAtATime(r -> { throw new RejectedExecutionException("shut down"); }, () -> { });
        refused.trigger();
        assertThat(refused.underway()).isFalse();
    }
}
