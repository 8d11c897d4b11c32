package io.tollgate.providers.openai;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Recorded vendor bodies for tests: the copies under {@code src/test/resources/fixtures/} first,
 * then the team's shared set at {@code <repo-root>/../shared/fixtures} (CI clones the repo beside it).
 */
public final class Fixtures {

    private Fixtures() {}

    public static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in != null) {
                return in.readAllBytes();
            }
            Path shared = sharedDir().resolve(name);
            if (Files.isRegularFile(shared)) {
                return Files.readAllBytes(shared);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalArgumentException("fixture not found: " + name + " (looked in test resources and " + sharedDir() + ")");
    }

    /** {@code <repo-root>/../shared/fixtures}, the repo root being the nearest directory with {@code mvnw}. */
    static Path sharedDir() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        Path root = dir == null ? Path.of("").toAbsolutePath() : dir;
        return root.resolveSibling("shared").resolve("fixtures");
    }
}
