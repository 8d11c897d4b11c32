package io.tollgate.core.prompt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PromptSplitTest {

    @Test
    void raisingTheCanaryWeightOnlyMovesUsersOntoTheCanary() {
        int moved = 0;
        for (int i = 0; i < 10_000; i++) {
            String user = "user:" + i;
            int before = PromptService.pickWeighted("support-bot", Map.of(2, 90, 3, 10), user);
            int after = PromptService.pickWeighted("support-bot", Map.of(2, 80, 3, 20), user);
            if (before == 3) {
                assertThat(after).as("a canary user stays on the canary").isEqualTo(3);
            } else if (after == 3) {
                moved++;
            }
        }
        // about 10 % of all users move from 2 to 3
        assertThat(moved / 10_000.0).isBetween(0.08, 0.12);
    }

    @Test
    void differentPromptsSplitIndependently() {
        int same = 0;
        for (int i = 0; i < 10_000; i++) {
            boolean a = PromptService.pickWeighted("a", Map.of(1, 50, 2, 50), "user:" + i) == 2;
            boolean b = PromptService.pickWeighted("b", Map.of(1, 50, 2, 50), "user:" + i) == 2;
            if (a == b) same++;
        }
        assertThat(same / 10_000.0).isBetween(0.47, 0.53);
    }
}
