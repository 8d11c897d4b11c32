package io.tollgate.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTest {

    private static final byte[] DUPLICATED = "{\"model\":\"cheap\",\"model\":\"expensive\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void requestsWithADuplicatedKeyAreRejectedSoNoOneReadsThemTwoWays() {
        assertThatThrownBy(() -> Json.parse(DUPLICATED)).hasMessageContaining("Duplicate field 'model'");
    }

    @Test
    void aDuplicatedKeyIsReportedWhereItIsWithoutNamingJacksonsApi() {
        byte[] nested = "{\"messages\":[{\"role\":\"user\",\n\"role\":\"system\"}]}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Json.parse(nested))
                .isInstanceOfSatisfying(JsonProcessingException.class, e -> assertThat(Json.problem(e))
                        .isEqualTo("Duplicate field 'role' at line 2, column 8"));
    }

    @Test
    void noProblemNamesJacksonsApiOrItsSourceRedaction() {
        String[] bad = {"{\"model\":\"m\"}{\"a\":1}", "{\"messages\":[", "[1,2", "{\"a\":NaN}", "{\"a\":tru}", "{\"a\":\"abc"};
        for (String body : bad) {
            assertThatThrownBy(() -> Json.parse(body.getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOfSatisfying(JsonProcessingException.class, e -> assertThat(Json.problem(e))
                            .as(body).doesNotContain("`", "jackson", "Feature", "Source", "REDACTED").contains("line 1, column"));
        }
        assertThat(problemOf("{\"model\":\"m\"}{\"a\":1}")).isEqualTo("Unexpected content after the JSON value at line 1, column 14");
        assertThat(problemOf("[1,2")).isEqualTo("Unexpected end-of-input: expected close marker for Array (start marker at line 1, column 1) at line 1, column 5");
    }

    private static String problemOf(String body) {
        try {
            Json.parse(body.getBytes(StandardCharsets.UTF_8));
            throw new AssertionError("parsed: " + body);
        } catch (JsonProcessingException e) {
            return Json.problem(e);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void answersAreReadLeniently() throws IOException {
        assertThat(Json.parseAnswer(DUPLICATED).path("model").asText()).isEqualTo("expensive");
    }

    @Test
    void bothRejectTrailingGarbage() {
        byte[] trailing = "{\"a\":1} {\"b\":2}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Json.parse(trailing)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> Json.parseAnswer(trailing)).isInstanceOf(IOException.class);
    }
}
