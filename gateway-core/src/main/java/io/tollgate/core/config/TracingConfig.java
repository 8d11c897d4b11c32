package io.tollgate.core.config;

import java.time.Duration;
import java.util.Map;

/**
 * {@code tracing:} OpenTelemetry traces of every proxied request, exported as OTLP over HTTP
 * (protobuf). Off by default; while off, nothing of OpenTelemetry is loaded.
 *
 * @param enabled            off by default
 * @param endpoint           the OTLP/HTTP traces URL of a collector, Jaeger or Tempo ({@code .../v1/traces})
 * @param serviceName        the {@code service.name} resource attribute
 * @param sampleRatio        share of new traces recorded (0-1); a caller's {@code traceparent} decides for its trace
 * @param headers            sent with every export (an API key: {@code ${VAR}}); secrets, never printed
 * @param resourceAttributes more resource attributes, e.g. {@code deployment.environment.name}
 * @param exportInterval     how often the batch of ended spans is sent
 * @param queueSize          spans waiting for export at most; more are dropped, never waited for
 * @param timeout            one export's time limit
 * @param compression        gzip | none
 */
public record TracingConfig(Boolean enabled, String endpoint, String serviceName, Double sampleRatio,
                            Map<String, Secret> headers, Map<String, String> resourceAttributes,
                            Duration exportInterval, Integer queueSize, Duration timeout, Compression compression) {

    public enum Compression { NONE, GZIP }

    public static final TracingConfig DEFAULT = new TracingConfig(null, null, null, null, null, null, null, null, null, null);

    public TracingConfig {
        enabled = Defaults.or(enabled, false);
        endpoint = Defaults.or(endpoint, "http://127.0.0.1:4318/v1/traces");
        serviceName = Defaults.or(serviceName, "tollgate");
        sampleRatio = Defaults.or(sampleRatio, 1.0);
        headers = Defaults.map(headers);
        resourceAttributes = Defaults.map(resourceAttributes);
        exportInterval = Defaults.or(exportInterval, Duration.ofSeconds(5));
        queueSize = Defaults.or(queueSize, 2048);
        timeout = Defaults.or(timeout, Duration.ofSeconds(10));
        compression = Defaults.or(compression, Compression.NONE);
        HttpUrl.check("endpoint", endpoint, "http://127.0.0.1:4318/v1/traces");
        if (serviceName.isBlank()) throw new ConfigException("service-name", "'' (expected: a name, e.g. tollgate)");
        if (!(sampleRatio >= 0 && sampleRatio <= 1)) throw new ConfigException("sample-ratio", sampleRatio, "a number from 0 to 1");
        if (exportInterval.isNegative() || exportInterval.isZero()) throw new ConfigException("export-interval", exportInterval, "> 0");
        if (queueSize < 1) throw new ConfigException("queue-size", queueSize, ">= 1");
        if (timeout.isNegative() || timeout.isZero()) throw new ConfigException("timeout", timeout, "> 0");
    }

    @Override
    public String toString() {   // headers hold credentials
        return "TracingConfig[enabled=" + enabled + ", endpoint=" + endpoint + ", serviceName=" + serviceName + ", sampleRatio=" + sampleRatio + "]";
    }
}
