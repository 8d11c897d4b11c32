package io.tollgate.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.model.Json;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs one of the official-SDK scripts in src/test/node and returns the JSON line it prints. */
public final class NodeScript {

    private static final File DIR = new File("src/test/node");

    private NodeScript() {}

    public static JsonNode run(String script, String requiredPackage, Map<String, String> env) throws Exception {
        assertThat(new File(DIR, "node_modules/" + requiredPackage)).as("npm packages for the SDK tests: run .ci/services.sh or npm ci in " + DIR).exists();
        ProcessBuilder pb = new ProcessBuilder("node", script).directory(DIR).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(script + " finished").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return Json.MAPPER.readTree(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
    }
}
