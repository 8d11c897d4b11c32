package io.tollgate.server.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector (paranoid in every test JVM, see the parent pom)
 * reports a ByteBuf that was garbage-collected without being released. Registered for every test
 * by auto-detection (META-INF/services), so no test can forget it.
 */
public final class LeakDetectionExtension implements AfterAllCallback {

    private static final List<String> LEAKS = new ArrayList<>();

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
                return new RecordingDetector<>(resource, samplingInterval);
            }
        });
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            record("LEAK: " + resourceType + records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            record("LEAK: " + resourceType + " (untraced)");
        }

        private static void record(String leak) {
            synchronized (LEAKS) {
                LEAKS.add(leak);
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        // Leaks are noticed when the collected buffer's phantom reference is polled, which happens on
        // the next tracked allocation: collect, then allocate a few buffers to drain the queue.
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            for (int j = 0; j < 8; j++) {
                ByteBuf probe = PooledByteBufAllocator.DEFAULT.buffer(16);
                probe.release();
            }
        }
        List<String> found;
        synchronized (LEAKS) {
            found = new ArrayList<>(LEAKS);
            LEAKS.clear();
        }
        if (!found.isEmpty()) {
            throw new AssertionError("Netty reported " + found.size() + " ByteBuf leak(s) in " + context.getDisplayName() + ":\n"
                    + String.join("\n", found));
        }
    }
}
