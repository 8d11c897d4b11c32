package io.tollgate.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tollgate.core.testing.FakeTicker;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SemanticIndexTest {

    static final Duration HOUR = Duration.ofHours(1);

    final FakeTicker ticker = new FakeTicker();

    SemanticIndex index(long maxBytes, int maxEntries, int perContext) {
        return new SemanticIndex(maxBytes, maxEntries, perContext, ticker);
    }

    SemanticIndex roomy() {
        return index(64L << 20, 10_000, 1_000);
    }

    static float[] unit(float... v) {
        return SemanticIndex.normalize(v);
    }

    @Test
    void findsTheMostSimilarVectorByCosine() {
        SemanticIndex idx = roomy();
        idx.put("ctx", unit(1, 0, 0), "a", HOUR);
        idx.put("ctx", unit(0, 1, 0), "b", HOUR);
        idx.put("ctx", unit(1, 1, 0), "c", HOUR);

        SemanticIndex.Nearest n = idx.nearest("ctx", unit(0.9f, 0.1f, 0));
        assertThat(n.answerKey()).isEqualTo("a");
        double expected = 0.9 / Math.sqrt(0.82);
        assertThat(n.similarity()).isCloseTo(expected, within(1e-6));
        assertThat(idx.nearest("ctx", unit(1, 1.1f, 0)).answerKey()).isEqualTo("c");
        assertThat(idx.nearest("ctx", unit(0, 0, 1)).similarity()).isCloseTo(0, within(1e-6));
    }

    @Test
    void scanMatchesABruteForceReferenceOnRandomVectors() {
        SemanticIndex idx = roomy();
        SplittableRandom random = new SplittableRandom(7);
        float[][] stored = new float[500][];
        for (int i = 0; i < stored.length; i++) {
            stored[i] = randomUnit(random, 67);   // an odd length exercises the scalar tail of the dot product
            idx.put("ctx", stored[i], "k" + i, HOUR);
        }
        for (int q = 0; q < 20; q++) {
            float[] query = randomUnit(random, 67);
            int best = 0;
            double bestScore = -2;
            for (int i = 0; i < stored.length; i++) {
                double s = 0;
                for (int d = 0; d < 67; d++) {
                    s += (double) query[d] * stored[i][d];
                }
                if (s > bestScore) {
                    bestScore = s;
                    best = i;
                }
            }
            SemanticIndex.Nearest n = idx.nearest("ctx", query);
            assertThat(n.answerKey()).isEqualTo("k" + best);
            assertThat(n.similarity()).isCloseTo(bestScore, within(1e-5));
        }
    }

    @Test
    void contextsAndVectorLengthsNeverMix() {
        SemanticIndex idx = roomy();
        idx.put("system-prompt-A", unit(1, 0, 0), "a", HOUR);
        assertThat(idx.nearest("system-prompt-B", unit(1, 0, 0))).isNull();
        assertThat(idx.nearest("system-prompt-A", unit(1, 0, 0, 0))).as("another embedding length").isNull();
        assertThat(idx.nearest("system-prompt-A", unit(1, 0, 0)).answerKey()).isEqualTo("a");
        assertThat(idx.size("system-prompt-A", 3)).isEqualTo(1);
        assertThat(idx.size("system-prompt-A", 4)).isZero();
    }

    @Test
    void entriesExpireAfterTheirOwnTtl() {
        SemanticIndex idx = roomy();
        idx.put("ctx", unit(1, 0), "short", Duration.ofMinutes(1));
        idx.put("ctx", unit(0.8f, 0.6f), "long", Duration.ofMinutes(10));
        assertThat(idx.nearest("ctx", unit(1, 0)).answerKey()).isEqualTo("short");

        ticker.advance(Duration.ofMinutes(1));
        // expired but not yet swept by Caffeine: the scan skips it
        assertThat(idx.nearest("ctx", unit(1, 0)).answerKey()).isEqualTo("long");
        assertThat(idx.entries()).isEqualTo(1);

        ticker.advance(Duration.ofMinutes(9));
        assertThat(idx.nearest("ctx", unit(1, 0))).isNull();
        assertThat(idx.entries()).isZero();
        assertThat(idx.bytes()).isZero();
        assertThat(idx.contexts()).as("empty buckets are dropped").isZero();
    }

    @Test
    void boundedByEntriesAndBytesAcrossContexts() {
        // 3 vectors of 256 floats (~1.1 kB each) fit in 4 kB; max-entries 100 lets bytes decide
        SemanticIndex byBytes = index(4_096, 100, 1_000);
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 50; i++) {
            byBytes.put("ctx" + (i % 7), randomUnit(random, 256), "k" + i, HOUR);
        }
        assertThat(byBytes.entries()).isBetween(1L, 3L);
        assertThat(byBytes.bytes()).isLessThanOrEqualTo(4_096);

        SemanticIndex byEntries = index(64L << 20, 5, 1_000);
        for (int i = 0; i < 50; i++) {
            byEntries.put("ctx" + (i % 7), randomUnit(random, 8), "k" + i, HOUR);
        }
        assertThat(byEntries.entries()).isLessThanOrEqualTo(5);
        long live = 0;
        for (int c = 0; c < 7; c++) {
            live += byEntries.size("ctx" + c, 8);
        }
        assertThat(live).as("evicted vectors leave their buckets").isEqualTo(byEntries.entries());
    }

    @Test
    void aFullContextDropsItsOldestVector() {
        SemanticIndex idx = index(64L << 20, 10_000, 3);
        idx.put("ctx", unit(1, 0, 0), "first", HOUR);
        idx.put("ctx", unit(0, 1, 0), "second", HOUR);
        idx.put("ctx", unit(0, 0, 1), "third", HOUR);
        idx.put("ctx", unit(1, 1, 1), "fourth", HOUR);
        assertThat(idx.size("ctx", 3)).isEqualTo(3);
        assertThat(idx.entries()).isEqualTo(3);
        assertThat(idx.nearest("ctx", unit(1, 0, 0)).answerKey()).isNotEqualTo("first");
        assertThat(idx.nearest("ctx", unit(0, 1, 0)).answerKey()).isEqualTo("second");
    }

    @Test
    void storingTheSameAnswerAgainReplacesItsVector() {
        SemanticIndex idx = roomy();
        idx.put("ctx", unit(1, 0), "a", HOUR);
        idx.put("ctx", unit(0, 1), "a", HOUR);
        assertThat(idx.entries()).isEqualTo(1);
        assertThat(idx.nearest("ctx", unit(0, 1)).similarity()).isCloseTo(1, within(1e-6));
    }

    @Test
    void removeAndClear() {
        SemanticIndex idx = roomy();
        idx.put("ctx", unit(1, 0), "a", HOUR);
        idx.put("ctx", unit(0, 1), "b", HOUR);
        idx.remove(idx.nearest("ctx", unit(1, 0)).id());
        assertThat(idx.nearest("ctx", unit(1, 0)).answerKey()).isEqualTo("b");
        assertThat(idx.clear()).isEqualTo(1);
        assertThat(idx.nearest("ctx", unit(0, 1))).isNull();
        assertThat(idx.bytes()).isZero();
    }

    @Test
    void normalizeRejectsZeroAndNonFiniteVectors() {
        assertThat(SemanticIndex.normalize(new float[] {0, 0})).isNull();
        assertThat(SemanticIndex.normalize(new float[] {Float.NaN, 1})).isNull();
        assertThat(SemanticIndex.normalize(new float[0])).isNull();
        assertThat(SemanticIndex.normalize(new float[] {3, 4})).containsExactly(0.6f, 0.8f);
    }

    static float[] randomUnit(SplittableRandom random, int dims) {
        float[] v = new float[dims];
        for (int i = 0; i < dims; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return SemanticIndex.normalize(v);
    }
}
