package io.tollgate.core.guardrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.core.config.GuardrailConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GuardrailDetectorTest {

    private static final Detector CARD = Detector.of("credit-card");
    private static final Detector EMAIL = Detector.of("email");
    private static final Detector PHONE = Detector.of("phone");
    private static final Detector SSN = Detector.of("us-ssn");
    private static final Detector IPV4 = Detector.of("ipv4");
    private static final Detector AWS = Detector.of("aws-access-key");
    private static final Detector PEM = Detector.of("private-key");

    @Test
    void everyBuiltInNameTheConfigAcceptsHasADetector() {
        for (String name : GuardrailConfig.DETECTORS) {
            assertThat(Detector.of(name).name()).isEqualTo(name);
        }
        assertThatThrownBy(() -> Detector.of("nope")).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "5500 0000 0000 0004",
            "3782 822463 10005", "card: 6011000990139424."})
    void findsLuhnValidCardNumbers(String text) {
        assertThat(CARD.find(text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111111111111112", "4111 1111 1111 1112", "order 1234567890123", "12345", "411111111111",
            "id 41111111111111110000000"})
    void ignoresLuhnInvalidOrWrongLengthNumbers(String text) {
        assertThat(CARD.find(text)).isFalse();
    }

    @Test
    void redactsEachMatchAndKeepsTheRest() {
        assertThat(CARD.redact("pay with 4111 1111 1111 1111 or 5500-0000-0000-0004 today"))
                .isEqualTo("pay with [REDACTED:credit-card] or [REDACTED:credit-card] today");
        String clean = "nothing to see 4111 1111 1111 1112";
        assertThat(CARD.redact(clean)).isSameAs(clean);
    }

    @Test
    void email() {
        assertThat(EMAIL.redact("write to jane.doe+news@mail.example.co.uk.")).isEqualTo("write to [REDACTED:email].");
        assertThat(EMAIL.find("a@b")).isFalse();
        assertThat(EMAIL.find("@handle on twitter")).isFalse();
        assertThat(EMAIL.find("user at example dot com")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"+44 20 7946 0958", "+1 (415) 555-2671", "+14155552671", "(415) 555-2671", "415-555-2671",
            "415.555.2671", "call +49 30 901820 now"})
    void findsPhoneNumbers(String text) {
        assertThat(PHONE.find(text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"version 1.2.3", "10.0.19045", "release 2.14.1-beta", "42", "the year 2024", "555-1234",
            "2024-01-15", "id 4155552671", "+12", "pi is 3.14159265", "192.168.1.1"})
    void noPhoneFalsePositivesOnPlainNumbersVersionsAndDates(String text) {
        assertThat(PHONE.find(text)).isFalse();
    }

    @Test
    void ssn() {
        assertThat(SSN.find("ssn 123-45-6789")).isTrue();
        assertThat(SSN.find("000-12-3456")).isFalse();
        assertThat(SSN.find("123-00-6789")).isFalse();
        assertThat(SSN.find("123456789")).isFalse();
        assertThat(SSN.find("2024-01-15")).isFalse();
    }

    @Test
    void ipv4() {
        assertThat(IPV4.redact("host 10.0.0.1, gateway 192.168.1.254.")).isEqualTo("host [REDACTED:ipv4], gateway [REDACTED:ipv4].");
        assertThat(IPV4.find("version 1.2.3")).isFalse();
        assertThat(IPV4.find("build 1.2.3.4.5")).isFalse();
        assertThat(IPV4.find("999.1.1.1")).isFalse();
    }

    @Test
    void awsAccessKeyAndPrivateKey() {
        assertThat(AWS.find("key AKIAIOSFODNN7EXAMPLE ok")).isTrue();
        assertThat(AWS.find("AKIAIOSFODNN7EXAMPL")).isFalse();
        String pem = "here:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nAAAA\n-----END RSA PRIVATE KEY-----\nthanks";
        assertThat(PEM.redact(pem)).isEqualTo("here:\n[REDACTED:private-key]\nthanks");
        assertThat(PEM.find("-----BEGIN OPENSSH PRIVATE KEY-----")).isTrue();
        assertThat(PEM.find("-----BEGIN PUBLIC KEY-----")).isFalse();
    }

    @Test
    void customRegex() {
        Detector d = Detector.of("regex:sk-[A-Za-z0-9]{20,}");
        assertThat(d.redact("token sk-abcdefghijklmnopqrstuvwxyz end")).isEqualTo("token [REDACTED:regex] end");
        assertThat(d.find("sk-short")).isFalse();
    }

    @Test
    void textShapeCountsWhatTheBuiltInsNeed() {
        assertThat(TextShape.of("Order 12.5 at x@y, ref AB12-----BEGIN")).isEqualTo(new TextShape(5, 1, true, 5, true));
        assertThat(TextShape.of("----BEGIN, - - - - -B")).extracting(TextShape::pemHeader).isEqualTo(false);
        assertThat(TextShape.of("abc 0123456789ABCDEFGHIJ xyz", 4, 24)).isEqualTo(new TextShape(10, 0, false, 20, false));
    }

    /** Passes every condition, so the pattern always runs: what find and redact did before shapes. */
    private static final TextShape ANY = new TextShape(Integer.MAX_VALUE, Integer.MAX_VALUE, true, Integer.MAX_VALUE, true);

    @Test
    void aShapeOnlyRulesOutTextTheDetectorCannotMatch() {
        String[] pieces = {"4111", " 1111", "-", ".", "@", "mail", "x.com", "10.0.0.1", "192", "123-45-6789", "+1 ", "(415) ",
            "555-2671", "AKIA", "IOSFODNN7EXAMPLE", "-----BEGIN ", "RSA ", "PRIVATE KEY-----", "-----END ", " ", "a", "7"};
        Detector[] all = {CARD, EMAIL, PHONE, SSN, IPV4, AWS, PEM};
        int[] found = new int[all.length];
        java.util.Random random = new java.util.Random(42);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder text = new StringBuilder();
            for (int k = random.nextInt(12); k > 0; k--) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            String t = text.toString();
            for (int d = 0; d < all.length; d++) {
                boolean unfiltered = all[d].find(t, ANY);
                assertThat(all[d].find(t)).as("%s in '%s'", all[d], t).isEqualTo(unfiltered);
                assertThat(all[d].redact(t)).as("%s in '%s'", all[d], t).isEqualTo(all[d].redact(t, 0, t.length(), ANY));
                found[d] += unfiltered ? 1 : 0;
            }
        }
        assertThat(java.util.Arrays.stream(found).min().getAsInt()).as("every detector matched some texts, so matches were compared too")
                .isGreaterThan(20);
    }

    @Test
    void staysLinearOnLongTextWithoutMatches() {
        String letters = "a".repeat(200_000);
        String digits = "1".repeat(200_000);
        long start = System.nanoTime();
        for (Detector d : new Detector[] {CARD, EMAIL, PHONE, SSN, IPV4, AWS, PEM}) {
            d.find(letters);
            d.find(digits);
        }
        assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
    }
}
