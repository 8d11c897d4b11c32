package io.tollgate.core.config;

import java.util.HashMap;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The line of every path written in a loaded file ({@code cache.backend}, {@code keys[2].limits.rpm}), kept
 * after loading so that problems found later, by the checks of providers and filters, point at a line too.
 * Paths are spelt as the loader spells them. A path the file does not contain (a default) has no line.
 */
public final class ConfigLines {

    public static final ConfigLines NONE = new ConfigLines(Map.of());

    /** Deeper than any real config; stops a self-referencing alias from recursing for ever. */
    private static final int MAX_DEPTH = 64;

    private final Map<String, Integer> lines;

    private ConfigLines(Map<String, Integer> lines) {
        this.lines = Map.copyOf(lines);
    }

    static ConfigLines of(Node root) {
        Map<String, Integer> lines = new HashMap<>();
        walk(root, "", 0, lines);
        return new ConfigLines(lines);
    }

    /** The 1-based line where {@code path}'s key is written, or 0 when the file does not contain it. */
    public int lineOf(String path) {
        return lines.getOrDefault(path, 0);
    }

    /** {@code problem} with the line of its path, unless it already has one. */
    public ConfigProblem locate(ConfigProblem problem) {
        return problem.line() > 0 ? problem : new ConfigProblem(problem.path(), lineOf(problem.path()), problem.message());
    }

    private static void walk(Node node, String path, int depth, Map<String, Integer> lines) {
        if (depth > MAX_DEPTH) {
            return;
        }
        if (node instanceof MappingNode map) {
            for (NodeTuple t : map.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode key) {
                    String child = path.isEmpty() ? key.getValue() : path + "." + key.getValue();
                    lines.putIfAbsent(child, key.getStartMark().getLine() + 1);
                    walk(t.getValueNode(), child, depth + 1, lines);
                }
            }
        } else if (node instanceof SequenceNode seq) {
            for (int i = 0; i < seq.getValue().size(); i++) {
                Node item = seq.getValue().get(i);
                String child = path + "[" + i + "]";
                lines.putIfAbsent(child, item.getStartMark().getLine() + 1);
                walk(item, child, depth + 1, lines);
            }
        }
    }
}
