package io.tollgate.core.metering;

import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.PriceConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Prices per upstream model: the built-in table ({@code prices.yaml}, grouped by vendor) with
 * {@code pricing:} from config on top. Immutable; one per config version.
 *
 * <p>Lookup: the exact model, then the model with its date suffix stripped
 * ({@code claude-haiku-4-5-20251001} and {@code gpt-4o-2024-08-06} find {@code claude-haiku-4-5} and {@code gpt-4o}),
 * then the same after a {@code vendor/} prefix ({@code openai/gpt-4o}).
 */
public final class PriceTable {

    /** -20251001, -2024-08-06, @20250929 (Vertex), -v1:0 style suffixes are not dates and stay. */
    private static final Pattern DATE_SUFFIX = Pattern.compile("([-@])(\\d{8}|\\d{4}-\\d{2}-\\d{2})$");
    private static final Map<String, ModelPrice> BUILT_IN = loadBuiltIn();

    private final Map<String, ModelPrice> prices;

    private PriceTable(Map<String, ModelPrice> prices) {
        this.prices = Map.copyOf(prices);
    }

    public static PriceTable builtIn() {
        return new PriceTable(BUILT_IN);
    }

    /** Built-in prices with {@code config.pricing()} overriding them model by model. */
    public static PriceTable of(GatewayConfig config) {
        return withOverrides(config.pricing());
    }

    public static PriceTable withOverrides(Map<String, PriceConfig> overrides) {
        if (overrides.isEmpty()) {
            return builtIn();
        }
        Map<String, ModelPrice> all = new HashMap<>(BUILT_IN);
        overrides.forEach((model, p) -> all.put(model, ModelPrice.of(p)));
        return new PriceTable(all);
    }

    /** The price of {@code model}, or null when neither it nor its undated name is known. */
    public @Nullable ModelPrice find(String model) {
        if (model == null || model.isEmpty()) {
            return null;
        }
        ModelPrice p = prices.get(model);
        if (p == null) {
            String undated = stripDate(model);
            p = prices.get(undated);
            if (p == null) {
                int slash = undated.lastIndexOf('/');
                if (slash >= 0) {
                    p = prices.get(undated.substring(slash + 1));
                }
            }
        }
        return p;
    }

    static String stripDate(String model) {
        return DATE_SUFFIX.matcher(model).replaceFirst("");
    }

    public int size() {
        return prices.size();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ModelPrice> loadBuiltIn() {
        try (InputStream in = PriceTable.class.getResourceAsStream("prices.yaml")) {
            if (in == null) {
                throw new IllegalStateException("prices.yaml missing from the classpath");
            }
            Map<String, Object> vendors = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            Map<String, ModelPrice> out = new HashMap<>();
            for (Object models : vendors.values()) {
                for (var e : ((Map<String, Map<String, Object>>) models).entrySet()) {
                    Map<String, Object> v = e.getValue();
                    double input = num(v.get("input"));
                    out.put(e.getKey(), new ModelPrice(input, num(v.get("output")),
                            v.containsKey("cached-input") ? num(v.get("cached-input")) : input,
                            v.containsKey("cache-write") ? num(v.get("cache-write")) : input));
                }
            }
            return Map.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double num(Object o) {
        return ((Number) o).doubleValue();
    }
}
