package io.tollgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.core.config.GatewayConfig;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Every config key (every component of every config record) is documented in docs/configuration.md. */
class ConfigDocsTest {

    @Test
    void everyKeyIsDocumented() throws IOException {
        String docs = Files.readString(Path.of("..", "docs", "configuration.md"));
        List<String> missing = new ArrayList<>();
        collect(GatewayConfig.class, docs, missing, new ArrayList<>());
        assertThat(missing).as("keys missing from docs/configuration.md").isEmpty();
    }

    private static void collect(Class<?> record, String docs, List<String> missing, List<Class<?>> seen) {
        if (seen.contains(record)) {
            return;
        }
        seen.add(record);
        for (RecordComponent c : record.getRecordComponents()) {
            String key = c.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
            if (!docs.contains("`" + key + "`") && !docs.contains("." + key + "`") && !docs.contains("`" + key + ".")
                    && !docs.contains("## `" + key) && !docs.contains(", `" + key + "`")) {
                missing.add(record.getSimpleName() + "." + key);
            }
            for (Class<?> nested : nestedRecords(c.getGenericType())) {
                collect(nested, docs, missing, seen);
            }
        }
    }

    private static List<Class<?>> nestedRecords(Type type) {
        List<Class<?>> out = new ArrayList<>();
        if (type instanceof Class<?> c && c.isRecord() && c.getPackageName().startsWith("io.tollgate.core.config")
                && !c.getSimpleName().equals("Secret") && !c.getSimpleName().equals("DataSize")) {
            out.add(c);
        } else if (type instanceof ParameterizedType p) {
            for (Type arg : p.getActualTypeArguments()) {
                out.addAll(nestedRecords(arg));
            }
        }
        return out;
    }
}
