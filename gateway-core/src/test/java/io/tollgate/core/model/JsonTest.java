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
