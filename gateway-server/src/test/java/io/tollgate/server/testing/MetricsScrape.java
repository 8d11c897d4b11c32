package io.tollgate.server.testing;

/** Reads one series from a Prometheus text scrape ({@code GET /metrics}), as the tests assert on counters. */
public final class MetricsScrape {

    private MetricsScrape() {}

    /**
     * The value of {@code series}, written as the scrape writes it: the name, then its labels if it has any
     * ({@code gateway_requests_total{model="none",provider="none",status="400"}}). 0 when the scrape has no such
     * line, which for a counter is what it means: nothing counted yet.
     */
    public static double value(String scrape, String series) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }
}
