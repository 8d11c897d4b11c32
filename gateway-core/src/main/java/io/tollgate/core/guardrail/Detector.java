package io.tollgate.core.guardrail;

import io.tollgate.core.config.GuardrailConfig;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Finds one kind of sensitive text: a pattern compiled once per config version, plus an optional
 * check on each candidate (Luhn for card numbers, a digit count for phone numbers) that the pattern
 * alone cannot express.
 *
 * <p>The built-in patterns start with a look-behind that refuses to begin inside a run of the same
 * characters, so a scan stays linear in the text even on long inputs with no match. Each built-in also
 * names what a text must hold before it can match ({@link TextShape}: an {@code @}, so many digits), so
 * its pattern does not run over text that cannot match.
 */
public final class Detector {

    private final String name;
    private final Pattern pattern;
    private final @Nullable Check check;
    /** A necessary condition for a match: false rules one out without running the pattern. */
    private final Predicate<TextShape> possible;
    private final String replacement;

    @FunctionalInterface
    interface Check {
        boolean accepts(CharSequence candidate);
    }

    private Detector(String name, Pattern pattern, @Nullable Check check, Predicate<TextShape> possible) {
        this.name = name;
        this.pattern = pattern;
        this.check = check;
        this.possible = possible;
        this.replacement = "[REDACTED:" + name + "]";
    }

    /**
     * The detector for one {@code match:} entry: a built-in name or {@code regex:<java regex>}.
     * The config record has validated it already, so an unknown name here is a bug.
     */
    public static Detector of(String spec) {
        if (spec.startsWith(GuardrailConfig.REGEX)) {
            return new Detector("regex", Pattern.compile(spec.substring(GuardrailConfig.REGEX.length())), null,
                    shape -> true);
        }
        return switch (spec) {
            case "email" -> new Detector(spec, Pattern.compile(
                    "(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}(?![A-Za-z0-9-])"), null,
                    TextShape::at);
            // +<country> then 7-14 more digits in groups, or the US shapes (555) 123-4567 / 555-123-4567 / 555.123.4567;
            // separators are required, so plain integers, years and ids never match
            case "phone" -> new Detector(spec, Pattern.compile(
                    "(?<![\\w+.-])(?:\\+\\d{1,3}[ .-]?(?:\\(\\d{1,4}\\)[ .-]?)?\\d{1,4}(?:[ .-]?\\d{1,4}){1,4}"
                            + "|(?:\\+?1[ .-]?)?(?:\\(\\d{3}\\)[ .-]?|\\d{3}[ .-])\\d{3}[ .-]\\d{4})(?![\\w-]|\\.\\d)"),
                    Detector::phoneDigits, shape -> shape.digits() >= 10);
            // 13-19 digits, optionally grouped by spaces or dashes, Luhn-valid
            case "credit-card" -> new Detector(spec, Pattern.compile("(?<![\\d-])\\d(?:[ -]?\\d){12,18}(?![\\d])"), Detector::luhn,
                    shape -> shape.digits() >= 13);
            // dashes required; the never-issued area and group numbers (000, 666, 9xx, 00, 0000) are excluded
            case "us-ssn" -> new Detector(spec, Pattern.compile(
                    "(?<![\\d-])(?!000|666|9\\d\\d)\\d{3}-(?!00)\\d{2}-(?!0000)\\d{4}(?![\\d-])"), null,
                    shape -> shape.digits() >= 9);
            // four octets 0-255, not part of a longer dotted number (a version such as 1.2.3.4.5)
            case "ipv4" -> new Detector(spec, Pattern.compile(
                    "(?<![\\d.])(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(?!\\.?\\d)"), null,
                    shape -> shape.digits() >= 4 && shape.dots() >= 3);
            case "aws-access-key" -> new Detector(spec, Pattern.compile(
                    "(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Z0-9])"), null,
                    shape -> shape.upperRun() >= 20);
            // the PEM header, and the whole block through its END line when it is there
            case "private-key" -> new Detector(spec, Pattern.compile(
                    "-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----(?:[\\s\\S]*?-----END \\1PRIVATE KEY-----)?"), null,
                    TextShape::pemHeader);
            default -> throw new IllegalArgumentException("unknown detector: " + spec);
        };
    }

    /** The detector's name: a built-in's own, or {@code regex}. Safe for logs and labels: never the matched text. */
    public String name() {
        return name;
    }

    /** True when {@code text} holds at least one match. */
    public boolean find(CharSequence text) {
        return find(text, TextShape.of(text));
    }

    /** True when {@code text}, whose shape is {@code shape}, holds at least one match. */
    boolean find(CharSequence text, TextShape shape) {
        if (!possible.test(shape)) {
            return false;
        }
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            if (check == null || check.accepts(text.subSequence(m.start(), m.end()))) {
                return true;
            }
        }
        return false;
    }

    /** {@code text} with every match replaced by {@code [REDACTED:<name>]}; the same instance when nothing matched. */
    public String redact(String text) {
        return redact(text, 0, text.length(), TextShape.of(text));
    }

    /**
     * {@code text} with the matches inside {@code [from, to)} replaced; look-behinds and look-aheads still see
     * the text around the region (the part of a stream already sent, or still held back). {@code shape} is the
     * region's shape, or that of a text the region was redacted from: a replacement adds nothing a match needs.
     */
    String redact(String text, int from, int to, TextShape shape) {
        if (!possible.test(shape)) {
            return text;
        }
        Matcher m = pattern.matcher(text).useTransparentBounds(true).region(from, to);
        StringBuilder out = null;
        int copied = 0;
        while (m.find()) {
            if (check != null && !check.accepts(text.subSequence(m.start(), m.end()))) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, copied, m.start()).append(replacement);
            copied = m.end();
        }
        if (out == null) {
            return text;
        }
        return out.append(text, copied, text.length()).toString();
    }

    /**
     * Where in {@code text}, from {@code from} on, a match could start whose outcome still depends on text not
     * yet seen (the pattern read to the end of what there is): a stream must hold back from there.
     * {@code text.length()} when nothing could.
     */
    int openFrom(CharSequence text, int from) {
        int end = text.length();
        Matcher m = pattern.matcher(text).useTransparentBounds(true).useAnchoringBounds(false).region(from, end);
        if (!m.find() && !m.hitEnd()) {
            return end; // the common case: nothing here, nor anything more text could complete
        }
        for (int i = from; i < end; i++) {
            m.region(i, end);
            m.lookingAt();
            if (m.hitEnd()) {
                return i;
            }
        }
        return end;
    }

    /**
     * {@code cut}, or the start of the first match in {@code text} from {@code from} on that begins before
     * {@code cut} and ends after it: text is released up to a cut, so a cut must not split a match.
     */
    int cutBefore(CharSequence text, int from, int cut) {
        Matcher m = pattern.matcher(text).useTransparentBounds(true).useAnchoringBounds(false).region(from, text.length());
        while (m.find() && m.start() < cut) {
            if (m.end() > cut) {
                return m.start();
            }
        }
        return cut;
    }

    /** The Luhn checksum over the digits of {@code candidate} (separators skipped). */
    static boolean luhn(CharSequence candidate) {
        int sum = 0;
        boolean twice = false;
        for (int i = candidate.length() - 1; i >= 0; i--) {
            char c = candidate.charAt(i);
            if (c < '0' || c > '9') {
                continue;
            }
            int d = c - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }

    /** E.164 allows at most 15 digits; fewer than 10 is a short code or an extension, not a phone number worth hiding. */
    private static boolean phoneDigits(CharSequence candidate) {
        int digits = 0;
        for (int i = 0; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            }
        }
        return digits >= 10 && digits <= 15;
    }

    @Override
    public String toString() {
        return name;
    }
}
