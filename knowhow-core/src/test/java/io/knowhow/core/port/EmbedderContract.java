package io.knowhow.core.port;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * What every {@link Embedder} promises; an implementation's test extends this and returns one from
 * {@link #embedder()} (built once per test class: models are slow to load).
 */
public abstract class EmbedderContract {
    /** The embedder under test; the same instance may be returned on every call. */
    protected abstract Embedder embedder();

    private static final List<String> PASSAGES = List.of(
            "The cat sat on the warm mat by the fire.",
            "Quarterly revenue grew by ten percent, driven by the cloud business.",
            "Refunds are paid within fourteen days to the original card.",
            "A very short one.");

    @Test
    void identityIsNamedAndSized() {
        EmbedderInfo info = embedder().info();
        assertThat(info.id()).isNotBlank();
        assertThat(info.dimension()).isPositive();
        assertThat(info.maxTokens()).isGreaterThanOrEqualTo(8);
    }

    @Test
    void everyPassageGetsOneUnitVectorOfTheDeclaredDimension() {
        List<float[]> vectors = embedder().embedAll(PASSAGES);
        assertThat(vectors).hasSize(PASSAGES.size());
        for (float[] v : vectors) assertUnitVector(v);
        assertUnitVector(embedder().embedQuery("where is my refund?"));
    }

    @Test
    void noPassagesGiveNoVectors() {
        assertThat(embedder().embedAll(List.of())).isEmpty();
    }

    @Test
    void aPassageGetsTheSameVectorAloneOrInABatch() {
        List<float[]> batch = embedder().embedAll(PASSAGES);
        for (int i = 0; i < PASSAGES.size(); i++) {
            float[] alone = embedder().embedAll(List.of(PASSAGES.get(i))).get(0);
            assertThat(cosine(alone, batch.get(i))).as("passage %d alone vs in a batch of mixed lengths", i).isCloseTo(1.0, within(1e-4));
        }
    }

    @Test
    void meaningDecidesDistance() {
        float[] cat = embedder().embedQuery("Where did the cat sit?");
        List<float[]> vectors = embedder().embedAll(PASSAGES);
        assertThat(cosine(cat, vectors.get(0))).isGreaterThan(cosine(cat, vectors.get(1)));
        float[] money = embedder().embedQuery("How long until I get my money back?");
        assertThat(cosine(money, vectors.get(2))).isGreaterThan(cosine(money, vectors.get(0)));
    }

    @Test
    void aPassageLongerThanTheModelReadsIsEmbeddedNotRefused() {
        String longText = "The warranty covers parts and labour for two years. ".repeat(Math.max(4, embedder().info().maxTokens() / 4));
        assertUnitVector(embedder().embedAll(List.of(longText)).get(0));
    }

    @Test
    void concurrentCallersGetTheSameVectorsAsOne() throws Exception {
        List<float[]> expected = embedder().embedAll(PASSAGES);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<float[]>>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) results.add(pool.submit(() -> embedder().embedAll(PASSAGES)));
            for (Future<List<float[]>> f : results) {
                List<float[]> got = f.get();
                for (int i = 0; i < expected.size(); i++) assertThat(cosine(got.get(i), expected.get(i))).isCloseTo(1.0, within(1e-5));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void assertUnitVector(float[] v) {
        assertThat(v).hasSize(embedder().info().dimension());
        double sum = 0;
        for (float x : v) {
            assertThat(Float.isFinite(x)).isTrue();
            sum += (double) x * x;
        }
        assertThat(Math.sqrt(sum)).isCloseTo(1.0, within(1e-3));
    }

    protected static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
