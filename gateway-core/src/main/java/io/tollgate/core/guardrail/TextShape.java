package io.tollgate.core.guardrail;

/**
 * What a text holds that the built-in detectors need before their patterns can match, counted in one
 * pass. A guardrail asks each detector whether the shape rules it out before running its pattern: most
 * prose has no {@code @}, too few digits for a card, a phone number or an SSN, and no PEM header, and a
 * pattern run over text it cannot match still costs a regex scan of every character.
 *
 * @param digits          ASCII digits
 * @param dots            {@code '.'} characters
 * @param at              whether an {@code '@'} occurs
 * @param upperRun        the longest run of characters from {@code [A-Z0-9]}
 * @param pemHeader       whether five dashes are followed by a {@code 'B'} (the start of {@code -----BEGIN})
 */
record TextShape(int digits, int dots, boolean at, int upperRun, boolean pemHeader) {

    static TextShape of(CharSequence text) {
        return of(text, 0, text.length());
    }

    /** The shape of {@code text[from, to)}. */
    static TextShape of(CharSequence text, int from, int to) {
        int digits = 0, dots = 0, run = 0, upperRun = 0, dashes = 0;
        boolean at = false, pemHeader = false;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            boolean digit = c >= '0' && c <= '9';
            if (digit) {
                digits++;
            }
            if (digit || (c >= 'A' && c <= 'Z')) {
                upperRun = Math.max(upperRun, ++run);
            } else {
                run = 0;
            }
            if (c == '.') {
                dots++;
            } else if (c == '@') {
                at = true;
            } else if (c == 'B' && dashes >= 5) {
                pemHeader = true;
            }
            dashes = c == '-' ? dashes + 1 : 0;
        }
        return new TextShape(digits, dots, at, upperRun, pemHeader);
    }
}
