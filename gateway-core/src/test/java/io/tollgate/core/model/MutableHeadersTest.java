package io.tollgate.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MutableHeadersTest {

    private static List<String> entries(MutableHeaders h) {
        List<String> out = new ArrayList<>();
        h.forEach((name, value) -> out.add(name + ": " + value));
        return out;
    }

    @Test
    void keepsTheOrderHeadersWereAddedInAndMatchesNamesWithoutCase() {
        MutableHeaders h = MutableHeaders.of("Content-Type", "application/json", "X-Tag", "a", "x-tag", "b");

        assertThat(entries(h)).containsExactly("Content-Type: application/json", "X-Tag: a", "x-tag: b");
        assertThat(h.get("content-type")).isEqualTo("application/json");
        assertThat(h.get("X-TAG")).isEqualTo("a");
        assertThat(h.getAll("x-Tag")).containsExactly("a", "b");
        assertThat(h.get("missing")).isNull();
        assertThat(h.getAll("missing")).isEmpty();
        assertThat(h.size()).isEqualTo(3);
    }

    @Test
    void setReplacesEveryValueOfTheNameAndKeepsTheOthersInOrder() {
        MutableHeaders h = MutableHeaders.of("a", "1", "X-Tag", "x", "b", "2", "x-tag", "y", "c", "3");

        h.set("x-TAG", "z");

        assertThat(entries(h)).containsExactly("a: 1", "b: 2", "c: 3", "x-TAG: z");
        assertThat(h.size()).isEqualTo(4);
    }

    @Test
    void removeDropsEveryValueOfTheName() {
        MutableHeaders h = MutableHeaders.of("a", "1", "b", "2", "A", "3");

        h.remove("a");

        assertThat(entries(h)).containsExactly("b: 2");
        assertThat(h.get("a")).isNull();
        h.remove("b").remove("nothing");
        assertThat(entries(h)).isEmpty();
        assertThat(h.size()).isZero();
    }

    @Test
    void growsPastItsInitialCapacity() {
        MutableHeaders h = new MutableHeaders();
        for (int i = 0; i < 40; i++) {
            h.add("h" + i, "v" + i);
        }
        h.set("h0", "again");

        assertThat(h.size()).isEqualTo(40);
        assertThat(h.get("H39")).isEqualTo("v39");
        assertThat(h.get("h0")).isEqualTo("again");
        assertThat(entries(h).get(0)).isEqualTo("h1: v1");
    }

    @Test
    void copyOfIsIndependentOfItsSource() {
        MutableHeaders source = MutableHeaders.of("a", "1");
        MutableHeaders copy = MutableHeaders.copyOf(source);

        copy.set("a", "2");

        assertThat(source.get("a")).isEqualTo("1");
        assertThat(copy.get("a")).isEqualTo("2");
    }

    @Test
    void toStringMasksCredentials() {
        MutableHeaders h = MutableHeaders.of("Authorization", "Bearer sk-secret", "x-api-key", "k", "accept", "*/*");

        assertThat(h.toString()).isEqualTo("{Authorization=***, x-api-key=***, accept=*/*}");
    }
}
