package io.tollgate.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Streaming latency at a fixed request rate (open loop: requests leave on schedule, whether or not earlier
 * ones finished, so a stall shows up in the percentiles instead of slowing the load). wrk only sees a
 * response once it has ended; this records, per streamed request, the time to the first body bytes (the
 * first SSE event: time to first token) and to the end of the stream.
 *
 * <pre>java -cp benchmarks.jar io.tollgate.bench.StreamProbe --url http://127.0.0.1:18088/v1/chat/completions
 *     --body request-stream.json [--auth KEY] [--rate 100] [--duration 10] [--warmup 3]</pre>
 *
 * Prints one line: {@code RESULT requests=N ttft_p50=.. ttft_p90=.. ttft_p99=.. last_p50=.. last_p99=.. errors=N}
 * (microseconds), the shape bench/load.sh parses.
 */
public final class StreamProbe {

    record Sample(long firstByteNanos, long lastByteNanos) {}

    public static void main(String[] args) throws Exception {
        URI url = URI.create(arg(args, "--url", "http://127.0.0.1:18088/v1/chat/completions"));
        byte[] body = Files.readAllBytes(Path.of(arg(args, "--body", "gateway-bench/src/main/resources/request-stream.json")));
        String auth = arg(args, "--auth", "");
        int rate = Integer.parseInt(arg(args, "--rate", "100"));
        int duration = Integer.parseInt(arg(args, "--duration", "10"));
        int warmup = Integer.parseInt(arg(args, "--warmup", "3"));

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newFixedThreadPool(2)).build();
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (!auth.isEmpty()) {
            request.header("authorization", "Bearer " + auth);
        }
        HttpRequest req = request.build();

        run(client, req, rate, warmup, new ConcurrentLinkedQueue<>(), new AtomicInteger());
        ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        AtomicInteger errors = new AtomicInteger();
        run(client, req, rate, duration, samples, errors);

        long[] first = samples.stream().mapToLong(Sample::firstByteNanos).sorted().toArray();
        long[] last = samples.stream().mapToLong(Sample::lastByteNanos).sorted().toArray();
        System.out.printf("RESULT requests=%d ttft_p50=%d ttft_p90=%d ttft_p99=%d last_p50=%d last_p99=%d errors=%d%n", first.length,
                micros(first, 0.50), micros(first, 0.90), micros(first, 0.99), micros(last, 0.50), micros(last, 0.99), errors.get());
        System.exit(0);
    }

    /** Sends {@code rate} requests a second for {@code seconds}, then waits for the last one to finish. */
    private static void run(HttpClient client, HttpRequest req, int rate, int seconds, ConcurrentLinkedQueue<Sample> samples,
            AtomicInteger errors) throws InterruptedException {
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        ConcurrentLinkedQueue<CompletableFuture<?>> inFlight = new ConcurrentLinkedQueue<>();
        long periodNanos = 1_000_000_000L / rate;
        pacer.scheduleAtFixedRate(() -> inFlight.add(send(client, req, samples, errors)), 0, periodNanos, TimeUnit.NANOSECONDS);
        Thread.sleep(seconds * 1000L);
        pacer.shutdownNow();
        pacer.awaitTermination(5, TimeUnit.SECONDS);
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).exceptionally(t -> null).join();
    }

    private static CompletableFuture<?> send(HttpClient client, HttpRequest req, ConcurrentLinkedQueue<Sample> samples, AtomicInteger errors) {
        long start = System.nanoTime();
        TimingSubscriber timing = new TimingSubscriber();
        return client.sendAsync(req, HttpResponse.BodyHandlers.fromSubscriber(timing)).whenComplete((response, failure) -> {
            if (failure != null || response.statusCode() != 200 || timing.first == 0) {
                errors.incrementAndGet();
            } else {
                samples.add(new Sample(timing.first - start, timing.last - start));
            }
        });
    }

    /** Notes when the first and the last body bytes arrive; keeps nothing else. */
    private static final class TimingSubscriber implements Flow.Subscriber<List<ByteBuffer>> {
        volatile long first;
        volatile long last;

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            if (item.stream().anyMatch(ByteBuffer::hasRemaining)) {
                long now = System.nanoTime();
                if (first == 0) {
                    first = now;
                }
                last = now;
            }
        }

        @Override
        public void onError(Throwable throwable) {
            first = 0;
        }

        @Override
        public void onComplete() {
        }
    }

    private static long micros(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1000;
    }

    private static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    private StreamProbe() {}
}
