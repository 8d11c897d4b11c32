package io.tollgate.core.config;

import java.util.Locale;

/** A byte count written as {@code 512}, {@code 64KB}, {@code 8MB} or {@code 1GB} (binary multiples). */
public record DataSize(long bytes) {

    public DataSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes: " + bytes + " (expected: >= 0)");
        }
    }

    public static DataSize ofMegabytes(long mb) {
        return new DataSize(mb * 1024 * 1024);
    }

    public static DataSize parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT).replace(" ", "");
        long multiplier = 1;
        String digits = t;
        for (String[] unit : new String[][] {{"GB", "1073741824"}, {"MB", "1048576"}, {"KB", "1024"}, {"B", "1"}}) {
            if (t.endsWith(unit[0])) {
                multiplier = Long.parseLong(unit[1]);
                digits = t.substring(0, t.length() - unit[0].length());
                break;
            }
        }
        try {
            return new DataSize(Math.multiplyExact(Long.parseLong(digits), multiplier));
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' (expected: a size such as 512KB, 8MB, 1GB)");
        }
    }

    @Override
    public String toString() {
        if (bytes % 1073741824 == 0 && bytes > 0) return bytes / 1073741824 + "GB";
        if (bytes % 1048576 == 0 && bytes > 0) return bytes / 1048576 + "MB";
        if (bytes % 1024 == 0 && bytes > 0) return bytes / 1024 + "KB";
        return bytes + "B";
    }
}
