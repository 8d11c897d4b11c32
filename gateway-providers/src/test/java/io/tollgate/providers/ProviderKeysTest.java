package io.tollgate.providers;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.core.config.ProviderConfig;
import io.tollgate.core.provider.ProviderFactory;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * The keys each built-in type says it reads are keys a provider entry can have: a misspelt one ("base_url") would
 * make every provider of that type warn that its real key does nothing.
 */
class ProviderKeysTest {

    @Test
    void everyTypeReadsOnlyKeysAProviderEntryHasAndNoDeprecatedOne() {
        int types = 0;
        for (ProviderFactory factory : ServiceLoader.load(ProviderFactory.class)) {
            for (String type : factory.types()) {
                types++;
                assertThat(ProviderConfig.KEYS).as(type).containsAll(factory.keys(type));
                assertThat(factory.keys(type)).as(type).doesNotContainAnyElementsOf(ProviderConfig.DEPRECATED.keySet())
                        .doesNotContain("type");
            }
        }
        assertThat(types).as("the built-in types, the OpenAI-compatible presets among them").isGreaterThan(10);
    }
}
