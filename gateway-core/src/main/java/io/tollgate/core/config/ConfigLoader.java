package io.tollgate.core.config;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads {@code gateway.yaml} into the immutable {@link GatewayConfig} records.
 *
 * <p>A generic binder over SnakeYAML's node tree (composed, not constructed, so every value keeps
 * its line): kebab-case keys map to record components, scalars are converted by the component's
 * type, and every problem is collected with its path and line, so {@code validate} lists them all
 * at once. Unknown keys, wrong types, duplicate keys and unset variables are errors.
 */
public final class ConfigLoader {

    /**
     * A config, or the problems that kept it from loading.
     *
     * @param lines where each path is written in the file, for problems found after loading
     */
    public record LoadResult(@Nullable GatewayConfig config, List<ConfigProblem> problems, ConfigLines lines) {
        public LoadResult {
            problems = List.copyOf(problems);
            lines = lines == null ? ConfigLines.NONE : lines;
        }

        public LoadResult(@Nullable GatewayConfig config, List<ConfigProblem> problems) {
            this(config, problems, ConfigLines.NONE);
        }

        public boolean isValid() {
            return config != null && problems.isEmpty();
        }

        /**
         * This result, refused for {@code more} problems found after loading (each given its line in the
         * file when it has none); unchanged when {@code more} is empty.
         */
        public LoadResult rejectedFor(List<ConfigProblem> more) {
            if (more.isEmpty()) {
                return this;
            }
            List<ConfigProblem> all = new ArrayList<>(problems);
            more.forEach(p -> all.add(lines.locate(p)));
            return new LoadResult(null, all, lines);
        }

        /** The config; throws with every problem when invalid. */
        public GatewayConfig orThrow() {
            if (!isValid()) {
                throw new IllegalStateException("invalid config:\n  " + String.join("\n  ", problems.stream().map(ConfigProblem::toString).toList()));
            }
            return config;
        }
    }

    private final EnvSubstitution env;
    private final List<ConfigProblem> problems = new ArrayList<>();

    private ConfigLoader(EnvSubstitution env) {
        this.env = env;
    }

    public static LoadResult load(Path file) {
        return load(file, System::getenv);
    }

    public static LoadResult load(Path file, Function<String, @Nullable String> env) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new LoadResult(null, List.of(new ConfigProblem("", 0, file + ": cannot read (" + e.getMessage() + ")")));
        }
        return parse(text, file.toString(), env);
    }

    public static LoadResult parse(String yaml, String sourceName) {
        return parse(yaml, sourceName, System::getenv);
    }

    public static LoadResult parse(String yaml, String sourceName, Function<String, @Nullable String> env) {
        return new ConfigLoader(new EnvSubstitution(env)).run(yaml, sourceName);
    }

    /** Binds one YAML document to {@code type} (used for files other than gateway.yaml, e.g. prompts). */
    public static <T> BindResult<T> bind(String yaml, String sourceName, Class<T> type) {
        ConfigLoader loader = new ConfigLoader(EnvSubstitution.system());
        Node root = loader.compose(yaml, sourceName);
        T value = root == null ? null : type.cast(loader.bindValue(root, type, ""));
        return new BindResult<>(loader.problems.isEmpty() ? value : null, loader.problems);
    }

    public record BindResult<T>(@Nullable T value, List<ConfigProblem> problems) {
        public BindResult {
            problems = List.copyOf(problems);
        }
    }

    private LoadResult run(String yaml, String sourceName) {
        if (yaml.isBlank()) {
            return new LoadResult(GatewayConfig.empty(), List.of());
        }
        Node root = compose(yaml, sourceName);
        if (root == null) {
            return new LoadResult(problems.isEmpty() ? GatewayConfig.empty() : null, problems);
        }
        Object config = bindValue(root, GatewayConfig.class, "");
        if (config instanceof GatewayConfig c) {
            checkFilterTypes(c, root);
        }
        return new LoadResult(problems.isEmpty() ? (GatewayConfig) config : null, problems, ConfigLines.of(root));
    }

    /** The filter types on the class path (built-in and custom), found once. */
    private static final class FilterTypes {
        static final Set<String> KNOWN = java.util.ServiceLoader.load(io.tollgate.core.filter.FilterFactory.class).stream()
                .map(p -> p.get().type()).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }

    /** {@code filters.<type>} must name a filter that exists: a misspelt one would otherwise be ignored without a word. */
    private void checkFilterTypes(GatewayConfig config, Node root) {
        for (String type : config.filters().keySet()) {
            if (!FilterTypes.KNOWN.contains(type)) {
                String hint = closest(type, FilterTypes.KNOWN);
                problem("filters." + type, nodeAt(root, "filters." + type), "unknown filter type"
                        + (hint != null ? " (did you mean '" + hint + "'?)" : "") + "; the filters are: " + String.join(", ", FilterTypes.KNOWN));
            }
        }
    }

    private @Nullable Node compose(String yaml, String sourceName) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(50);
        options.setCodePointLimit(16 * 1024 * 1024);
        try {
            return new Yaml(options).compose(new java.io.StringReader(yaml));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 0;
            problems.add(new ConfigProblem(sourceName, line, "not valid YAML: " + e.getProblem()));
        } catch (YAMLException e) {
            problems.add(new ConfigProblem(sourceName, 0, "not valid YAML: " + e.getMessage()));
        }
        return null;
    }

    // ---- binding ----

    private @Nullable Object bindValue(Node node, Type type, String path) {
        Class<?> raw = rawClass(type);
        if (isNull(node)) {
            return null;
        }
        if (raw.isRecord() && raw != Secret.class && raw != DataSize.class) {
            return bindRecord(node, raw, path);
        }
        if (raw == List.class) {
            return bindList(node, elementType(type, 0), path);
        }
        if (raw == Map.class) {
            return bindMap(node, elementType(type, 1), path);
        }
        if (raw == Object.class) {
            return freeForm(node, path);
        }
        if (!(node instanceof ScalarNode scalar)) {
            problem(path, node, "expected " + describe(raw) + ", not a " + (node instanceof MappingNode ? "mapping" : "list"));
            return null;
        }
        String text;
        try {
            text = env.apply(scalar.getValue());
        } catch (IllegalArgumentException e) {
            problem(path, node, e.getMessage());
            return null;
        }
        try {
            return convert(text, raw, scalar);
        } catch (IllegalArgumentException | DateTimeParseException | ArithmeticException e) {
            problem(path, node, "'" + text + "' (expected: " + describe(raw) + ")");
            return null;
        }
    }

    private @Nullable Object bindRecord(Node node, Class<?> type, String path) {
        if (!(node instanceof MappingNode map)) {
            problem(path, node, "expected a mapping (keys: " + keys(type) + ")");
            return null;
        }
        RecordComponent[] components = type.getRecordComponents();
        Object[] args = new Object[components.length];
        boolean valuesFailed = false;
        Set<String> seen = new HashSet<>();
        for (NodeTuple tuple : map.getValue()) {
            String key = keyOf(tuple, path);
            if (key == null) {
                continue;
            }
            String childPath = join(path, key);
            if (!seen.add(key)) {
                problem(childPath, tuple.getKeyNode(), "duplicate key");
                continue;
            }
            int index = componentIndex(components, key);
            if (index < 0) {
                String hint = closest(key, components);
                problem(childPath, tuple.getKeyNode(), "unknown key" + (hint != null ? " (did you mean '" + hint + "'?)" : "")
                        + "; expected one of: " + keys(type));
                continue;
            }
            int before = problems.size();
            args[index] = bindValue(tuple.getValueNode(), components[index].getGenericType(), childPath);
            valuesFailed |= problems.size() > before;
        }
        if (valuesFailed) {
            return null;   // don't construct from half-bound values: the real problems are already listed
        }
        for (int i = 0; i < components.length; i++) {
            if (args[i] == null && components[i].getType().isPrimitive()) {
                args[i] = primitiveDefault(components[i].getType());
            }
        }
        try {
            Constructor<?> ctor = type.getDeclaredConstructor(java.util.Arrays.stream(components).map(RecordComponent::getType).toArray(Class[]::new));
            ctor.setAccessible(true);
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ConfigException thrown) {
                for (ConfigException ce : thrown.all()) {
                    problem(join(path, ce.field()), nodeAt(map, ce.field()), ce.detail());
                }
            } else {
                problem(path, node, cause == null ? e.toString() : String.valueOf(cause.getMessage()));
            }
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type.getName(), e);
        }
    }

    private @Nullable List<Object> bindList(Node node, Type element, String path) {
        if (node instanceof ScalarNode s && s.getValue().isBlank()) {
            return List.of();
        }
        if (!(node instanceof SequenceNode seq)) {
            problem(path, node, "expected a list");
            return null;
        }
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            Object v = bindValue(seq.getValue().get(i), element, path + "[" + i + "]");
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    private @Nullable Map<String, Object> bindMap(Node node, Type valueType, String path) {
        if (!(node instanceof MappingNode map)) {
            problem(path, node, "expected a mapping");
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (NodeTuple tuple : map.getValue()) {
            String key = keyOf(tuple, path);
            if (key == null) {
                continue;
            }
            if (out.containsKey(key)) {
                problem(join(path, key), tuple.getKeyNode(), "duplicate key");
                continue;
            }
            Object v = bindValue(tuple.getValueNode(), valueType, join(path, key));
            if (v != null || isNull(tuple.getValueNode())) {
                out.put(key, v);
            }
        }
        out.values().removeIf(java.util.Objects::isNull);
        return out;
    }

    /** Plain Java values (String, Long, Double, Boolean, List, Map) for free-form settings. */
    private @Nullable Object freeForm(Node node, String path) {
        if (node instanceof MappingNode) {
            return bindMap(node, Object.class, path);
        }
        if (node instanceof SequenceNode) {
            return bindList(node, Object.class, path);
        }
        ScalarNode s = (ScalarNode) node;
        String text;
        try {
            text = env.apply(s.getValue());
        } catch (IllegalArgumentException e) {
            problem(path, node, e.getMessage());
            return null;
        }
        // a substituted value is typed by what it became: usd: "${BUDGET:-5}" is the number 5
        Tag tag = text.equals(s.getValue()) ? s.getTag() : RESOLVER.resolve(NodeId.scalar, text, true);
        try {
            if (tag.equals(Tag.INT)) {
                return Long.parseLong(text.replace("_", ""));   // YAML allows 1_000
            }
            if (tag.equals(Tag.FLOAT)) {
                return Double.parseDouble(text.replace("_", ""));
            }
        } catch (NumberFormatException e) {   // YAML 1.1's hex, octal, base-60 and .inf forms: not worth guessing at
            problem(path, node, "'" + text + "' (expected: a decimal number)");
            return null;
        }
        if (tag.equals(Tag.BOOL)) {
            return switch (text.toLowerCase(Locale.ROOT)) {   // YAML 1.1: yes/no and on/off are booleans too
                case "true", "yes", "on" -> true;
                default -> false;
            };
        }
        return text;
    }

    private static final Resolver RESOLVER = new Resolver();

    private static Object convert(String text, Class<?> type, ScalarNode node) {
        String t = text.trim();
        if (type == String.class) {
            return text;
        }
        if (type == Secret.class) {
            return Secret.of(text);
        }
        if (type == Integer.class || type == int.class) {
            if (node.getTag().equals(Tag.FLOAT) || !t.matches("[-+]?\\d+")) {
                throw new IllegalArgumentException();
            }
            return Math.toIntExact(Long.parseLong(t));
        }
        if (type == Long.class || type == long.class) {
            if (!t.matches("[-+]?\\d+")) {
                throw new IllegalArgumentException();
            }
            return Long.parseLong(t);
        }
        if (type == Double.class || type == double.class) {
            if (!t.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
                throw new IllegalArgumentException();
            }
            return Double.parseDouble(t);
        }
        if (type == Boolean.class || type == boolean.class) {
            return switch (t.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> true;
                case "false", "no", "off" -> false;
                default -> throw new IllegalArgumentException();
            };
        }
        if (type == Duration.class) {
            return parseDuration(t);
        }
        if (type == DataSize.class) {
            return DataSize.parse(t);
        }
        if (type == Instant.class) {
            return t.length() == 10 ? Instant.parse(t + "T00:00:00Z") : Instant.parse(t);
        }
        if (type.isEnum()) {
            String wanted = t.toUpperCase(Locale.ROOT).replace('-', '_');
            for (Object constant : type.getEnumConstants()) {
                if (((Enum<?>) constant).name().equals(wanted)) {
                    return constant;
                }
            }
            throw new IllegalArgumentException();
        }
        throw new IllegalStateException("config records cannot use " + type.getName());
    }

    /** {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 1d}, or ISO-8601 ({@code PT5S}). */
    static Duration parseDuration(String t) {
        if (t.startsWith("P") || t.startsWith("p")) {
            return Duration.parse(t.toUpperCase(Locale.ROOT));
        }
        var m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h|d)").matcher(t.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException();
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    // ---- helpers ----

    private @Nullable String keyOf(NodeTuple tuple, String path) {
        if (tuple.getKeyNode() instanceof ScalarNode k) {
            return k.getValue();
        }
        problem(path, tuple.getKeyNode(), "keys must be plain strings");
        return null;
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode s && (s.getTag().equals(Tag.NULL) || (s.getValue().isEmpty() && s.getTag().equals(Tag.NULL)));
    }

    private static int componentIndex(RecordComponent[] components, String key) {
        String camel = camel(key);
        for (int i = 0; i < components.length; i++) {
            if (components[i].getName().equals(camel)) {
                return i;
            }
        }
        return -1;
    }

    static String camel(String kebab) {
        StringBuilder sb = new StringBuilder(kebab.length());
        boolean upper = false;
        for (char c : kebab.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return sb.toString();
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    private static String keys(Class<?> type) {
        return String.join(", ", java.util.Arrays.stream(type.getRecordComponents()).map(c -> kebab(c.getName())).toList());
    }

    private static @Nullable String closest(String key, RecordComponent[] components) {
        return closest(key, java.util.Arrays.stream(components).map(c -> kebab(c.getName())).toList());
    }

    private static @Nullable String closest(String key, Iterable<String> names) {
        String best = null;
        int bestDistance = 3;
        for (String name : names) {
            int d = distance(key, name);
            if (d < bestDistance) {
                bestDistance = d;
                best = name;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The deepest node along {@code field} ("a.b[2].c") below {@code from}: where to point the user. */
    private static Node nodeAt(Node from, String field) {
        Node current = from;
        for (String part : field.split("\\.")) {
            String key = part.replaceAll("\\[\\d+]$", "");
            Node next = null;
            if (current instanceof MappingNode m) {
                for (NodeTuple t : m.getValue()) {
                    if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                        next = t.getValueNode();
                    }
                }
            }
            if (next == null) {
                return current;
            }
            java.util.regex.Matcher index = java.util.regex.Pattern.compile("\\[(\\d+)]$").matcher(part);
            if (index.find() && next instanceof SequenceNode seq && Integer.parseInt(index.group(1)) < seq.getValue().size()) {
                next = seq.getValue().get(Integer.parseInt(index.group(1)));
            }
            current = next;
        }
        return current;
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private void problem(String path, Node node, String message) {
        problems.add(new ConfigProblem(path, node.getStartMark().getLine() + 1, message));
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        return Object.class;
    }

    private static Type elementType(Type type, int index) {
        if (type instanceof ParameterizedType p) {
            Type[] args = p.getActualTypeArguments();
            return args[Math.min(index, args.length - 1)];
        }
        return Object.class;
    }

    private static Object primitiveDefault(Class<?> type) {
        if (type == boolean.class) return false;
        if (type == double.class) return 0.0;
        if (type == long.class) return 0L;
        return 0;
    }

    private static String describe(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) return "an integer";
        if (type == Double.class || type == double.class) return "a number";
        if (type == Boolean.class || type == boolean.class) return "true or false";
        if (type == Duration.class) return "a duration such as 250ms, 5s, 2m, 1h";
        if (type == DataSize.class) return "a size such as 512KB, 8MB";
        if (type == Instant.class) return "an ISO-8601 instant such as 2026-12-31T00:00:00Z";
        if (type.isEnum()) {
            return "one of " + String.join(", ", java.util.Arrays.stream(type.getEnumConstants())
                    .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT).replace('_', '-')).toList());
        }
        return "a string";
    }
}
