package io.tollgate.core.config;

import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code filters.<type>:} operator switches for one filter, built-in or third-party.
 *
 * @param enabled  a live kill switch
 * @param order    overrides the factory's position in the chain
 * @param timeout  an asynchronous filter that takes longer fails (or, with fail-open, is skipped)
 * @param failOpen on an error or timeout, skip the filter instead of failing the request
 * @param settings free-form settings for third-party filters
 */
public record FilterSettings(Boolean enabled, @Nullable Integer order, @Nullable Duration timeout, Boolean failOpen,
                             Map<String, Object> settings) {

    public static final FilterSettings DEFAULT = new FilterSettings(null, null, null, null, null);

    public FilterSettings {
        enabled = Defaults.or(enabled, true);
        failOpen = Defaults.or(failOpen, false);
        settings = Defaults.map(settings);
    }
}
