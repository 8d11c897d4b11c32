package io.tollgate.core.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.samskivert.mustache.MustacheException;
import io.tollgate.core.config.ConfigException;
import io.tollgate.core.model.Json;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads one prompt file (SPEC §5). Works on SnakeYAML's node tree rather than plain maps so every
 * error names the file, the path inside it and the line: {@code support-bot.yaml: versions.2.messages[0].role
 * (line 5): ...}. Small and focused on purpose: prompt files have a fixed shape.
 */
final class PromptFileParser {

    private static final Set<String> TOP_KEYS = Set.of("id", "labels", "split", "versions");
    private static final Set<String> VERSION_KEYS = Set.of("model", "params", "messages");

    private final Path file;

    private PromptFileParser(Path file) {
        this.file = file;
    }

    static PromptDefinition parse(Path file) {
        return new PromptFileParser(file).parse();
    }

    private PromptDefinition parse() {
        Node root;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Yaml(new LoaderOptions()).compose(r);
        } catch (MarkedYAMLException e) {
            throw error("", e.getProblemMark() == null ? null : e.getProblemMark().getLine() + 1, "invalid YAML: " + e.getProblem());
        } catch (IOException e) {
            throw error("", null, "cannot read: " + e.getMessage());
        }
        if (root == null) {
            throw error("", 1, "empty file (expected id, labels and versions)");
        }
        Map<String, Node> top = mapping(root, "", TOP_KEYS);
        String expectedId = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        String id = scalar(required(top, "id", root), "id");
        if (!id.equals(expectedId)) {
            throw error("id", line(top.get("id")), "id '" + id + "' must match the file name '" + expectedId + "'");
        }
        TreeMap<Integer, PromptVersion> versions = new TreeMap<>();
        Node versionsNode = required(top, "versions", root);
        for (var e : mapping(versionsNode, "versions", null).entrySet()) {
            int n = versionNumber(e.getKey(), "versions." + e.getKey(), e.getValue());
            versions.put(n, version(id, n, e.getValue(), "versions." + n));
        }
        if (versions.isEmpty()) {
            throw error("versions", line(versionsNode), "at least one version is required");
        }
        Map<String, Integer> labels = new LinkedHashMap<>();
        if (top.containsKey("labels")) {
            for (var e : mapping(top.get("labels"), "labels", null).entrySet()) {
                String path = "labels." + e.getKey();
                int v = versionNumber(scalar(e.getValue(), path), path, e.getValue());
                if (!versions.containsKey(v)) {
                    throw error(path, line(e.getValue()), "no version " + v + " (versions: " + versions.keySet() + ")");
                }
                labels.put(e.getKey(), v);
            }
        }
        PromptDefinition.Split split = null;
        if (top.containsKey("split")) {
            Map<String, Node> s = mapping(top.get("split"), "split", Set.of("label", "weights"));
            String label = scalar(required(s, "label", top.get("split")), "split.label");
            if (!labels.containsKey(label)) {
                throw error("split.label", line(s.get("label")), "unknown label '" + label + "' (labels: " + labels.keySet() + ")");
            }
            Map<Integer, Integer> weights = new LinkedHashMap<>();
            for (var e : mapping(required(s, "weights", top.get("split")), "split.weights", null).entrySet()) {
                String path = "split.weights." + e.getKey();
                int v = versionNumber(e.getKey(), path, e.getValue());
                if (!versions.containsKey(v)) {
                    throw error(path, line(e.getValue()), "no version " + v + " (versions: " + versions.keySet() + ")");
                }
                int w = versionNumber(scalar(e.getValue(), path), path, e.getValue());
                if (w > 0) {
                    weights.put(v, w);
                }
            }
            if (weights.isEmpty()) {
                throw error("split.weights", line(s.get("weights")), "at least one positive weight is required");
            }
            split = new PromptDefinition.Split(label, Map.copyOf(weights));
        }
        return new PromptDefinition(id, file, Map.copyOf(labels), split, java.util.Collections.unmodifiableNavigableMap(versions));
    }

    private PromptVersion version(String id, int n, Node node, String path) {
        Map<String, Node> v = mapping(node, path, VERSION_KEYS);
        String model = v.containsKey("model") ? scalar(v.get("model"), path + ".model") : null;
        ObjectNode params = Json.object();
        if (v.containsKey("params")) {
            JsonNode p = toJson(v.get("params"), path + ".params");
            if (!(p instanceof ObjectNode o)) {
                throw error(path + ".params", line(v.get("params")), "expected a mapping of request parameters");
            }
            params = o;
            for (String reserved : List.of("messages", "model", "prompt", "stream")) {
                if (params.has(reserved)) {
                    throw error(path + ".params." + reserved, line(v.get("params")), "'" + reserved + "' cannot be a prompt parameter");
                }
            }
        }
        Node messagesNode = required(v, "messages", node);
        if (!(messagesNode instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
            throw error(path + ".messages", line(messagesNode), "expected a non-empty list of {role, content}");
        }
        List<PromptVersion.Message> messages = new ArrayList<>();
        ArrayNode canonicalMessages = Json.NODES.arrayNode();
        for (int i = 0; i < seq.getValue().size(); i++) {
            String mp = path + ".messages[" + i + "]";
            Map<String, Node> m = mapping(seq.getValue().get(i), mp, Set.of("role", "content"));
            String role = scalar(required(m, "role", seq.getValue().get(i)), mp + ".role");
            if (!Set.of("system", "developer", "user", "assistant").contains(role)) {
                throw error(mp + ".role", line(m.get("role")), "expected system, developer, user or assistant, got '" + role + "'");
            }
            String content = scalar(required(m, "content", seq.getValue().get(i)), mp + ".content");
            try {
                messages.add(new PromptVersion.Message(role, content, PromptVersion.COMPILER.compile(content)));
            } catch (MustacheException e) {
                throw error(mp + ".content", line(m.get("content")), "bad template: " + e.getMessage());
            }
            canonicalMessages.addObject().put("role", role).put("content", content);
        }
        ObjectNode canonical = Json.object();
        canonical.put("model", model);
        canonical.set("params", params);
        canonical.set("messages", canonicalMessages);
        return new PromptVersion(id, n, model, params, List.copyOf(messages), sha256(canonical));
    }

    /** SHA-256 of the version's content with object keys sorted, so formatting and key order do not matter. */
    static String sha256(JsonNode canonical) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(Json.MAPPER.writeValueAsBytes(sorted(canonical))));
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode sorted(JsonNode n) {
        if (n instanceof ObjectNode o) {
            ObjectNode out = Json.object();
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            for (String name : names) {
                out.set(name, sorted(o.get(name)));
            }
            return out;
        }
        if (n instanceof ArrayNode a) {
            ArrayNode out = Json.NODES.arrayNode();
            a.forEach(x -> out.add(sorted(x)));
            return out;
        }
        return n;
    }

    private JsonNode toJson(Node node, String path) {
        if (node instanceof MappingNode m) {
            ObjectNode o = Json.object();
            mapping(m, path, null).forEach((k, v) -> o.set(k, toJson(v, path + "." + k)));
            return o;
        }
        if (node instanceof SequenceNode s) {
            ArrayNode a = Json.NODES.arrayNode();
            for (int i = 0; i < s.getValue().size(); i++) {
                a.add(toJson(s.getValue().get(i), path + "[" + i + "]"));
            }
            return a;
        }
        ScalarNode sc = (ScalarNode) node;
        String v = sc.getValue();
        Tag tag = sc.getTag();
        if (Tag.INT.equals(tag)) return Json.NODES.numberNode(Long.parseLong(v.replace("_", "")));
        if (Tag.FLOAT.equals(tag)) return Json.NODES.numberNode(Double.parseDouble(v));
        if (Tag.BOOL.equals(tag)) return Json.NODES.booleanNode(Boolean.parseBoolean(v.toLowerCase(java.util.Locale.ROOT)));
        if (Tag.NULL.equals(tag)) return Json.NODES.nullNode();
        return Json.NODES.textNode(v);
    }

    private Map<String, Node> mapping(Node node, String path, Set<String> allowed) {
        if (!(node instanceof MappingNode m)) {
            throw error(path, line(node), "expected a mapping");
        }
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            String key = scalar(t.getKeyNode(), path);
            String keyPath = path.isEmpty() ? key : path + "." + key;
            if (allowed != null && !allowed.contains(key)) {
                throw error(keyPath, line(t.getKeyNode()), "unknown key (expected one of " + new java.util.TreeSet<>(allowed) + ")");
            }
            if (out.put(key, t.getValueNode()) != null) {
                throw error(keyPath, line(t.getKeyNode()), "duplicate key");
            }
        }
        return out;
    }

    private Node required(Map<String, Node> map, String key, Node parent) {
        Node n = map.get(key);
        if (n == null) {
            throw error(key, line(parent), "missing required key '" + key + "'");
        }
        return n;
    }

    private String scalar(Node node, String path) {
        if (!(node instanceof ScalarNode s)) {
            throw error(path, line(node), "expected a single value");
        }
        return s.getValue();
    }

    private int versionNumber(String text, String path, Node node) {
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw error(path, line(node), "expected a non-negative whole number, got '" + text + "'");
    }

    private static Integer line(Node node) {
        return node == null || node.getStartMark() == null ? null : node.getStartMark().getLine() + 1;
    }

    private ConfigException error(String path, Integer line, String message) {
        String where = file.getFileName() + (path.isEmpty() ? "" : ": " + path) + (line == null ? "" : " (line " + line + ")");
        return new ConfigException(where, message);
    }
}
