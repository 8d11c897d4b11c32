package io.tollgate.core.config;

/** {@code alerts:} where budget alerts are POSTed (empty = log and metric only). */
public record AlertsConfig(String webhook) {

    public static final AlertsConfig DEFAULT = new AlertsConfig(null);

    public AlertsConfig {
        webhook = Defaults.or(webhook, "");
        if (!webhook.isEmpty()) {
            HttpUrl.check("webhook", webhook, "https://hooks.example.com/tollgate");
        }
    }
}
