package io.tollgate.server;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The launcher's arguments: a command and its options ({@code --name value} or {@code --name=value}), or why
 * they cannot be run. An option a command does not take is refused rather than ignored, so {@code --prot 80}
 * is a usage error, not a gateway on the default port.
 *
 * @param error what is wrong with the arguments, for the usage message; null when they can be run
 */
record CommandLine(String command, Map<String, String> options, @Nullable String error) {

    private static final Map<String, Set<String>> OPTIONS = Map.of(
            "serve", Set.of("--config", "--host", "--port"),
            "validate", Set.of("--config"),
            "version", Set.of(),
            "help", Set.of());

    static CommandLine parse(String... args) {
        int i = 0;
        String command = "serve";   // `java -jar gateway.jar --config F` serves
        if (args.length > 0 && !args[0].startsWith("-")) {
            command = args[0];
            i = 1;
        }
        Set<String> takes = OPTIONS.get(command);
        if (takes == null) {
            return refused(command, "unknown command: " + command);
        }
        Map<String, String> options = new HashMap<>();
        for (; i < args.length; i++) {
            String name = args[i];
            if (name.equals("--help") || name.equals("-h")) {
                return new CommandLine("help", Map.of(), null);
            }
            String value = null;
            int equals = name.indexOf('=');
            if (name.startsWith("--") && equals > 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            }
            if (!takes.contains(name)) {
                return refused(command, "unknown option for " + command + ": " + name);
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    return refused(command, name + " needs a value");
                }
                value = args[++i];
            }
            options.put(name, value);
        }
        String port = options.get("--port");
        if (port != null && !isPort(port)) {
            return refused(command, "--port " + port + " (expected: a port number, 0-65535)");
        }
        return new CommandLine(command, Map.copyOf(options), null);
    }

    /** The option's value, or {@code fallback} when it was not given. */
    @Nullable String option(String name, @Nullable String fallback) {
        return options.getOrDefault(name, fallback);
    }

    private static CommandLine refused(String command, String error) {
        return new CommandLine(command, Map.of(), error);
    }

    private static boolean isPort(String s) {
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(Character::isDigit)) {
            return false;
        }
        return Integer.parseInt(s) <= 65535;
    }
}
