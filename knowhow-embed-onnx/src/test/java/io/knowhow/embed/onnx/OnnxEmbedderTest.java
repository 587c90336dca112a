package io.knowhow.embed.onnx;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.knowhow.embed.onnx.Vectors.cosine;
import static io.knowhow.embed.onnx.Vectors.norm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Behaviour of {@link OnnxEmbedder} on the real bundled models and the real ONNX Runtime. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OnnxEmbedderTest {
    /**
     * Vectors of one text embedded in different batches differ a little (down to ~0.98 for one-word
     * texts), because the int8 models quantize activations with a scale taken over the whole batch.
     * Order mix-ups are caught separately by {@link #assertSameTextsInOrder}.
     */
    private static final double SAME_TEXT = 0.97;

    private final Map<BundledModel, OnnxEmbedder> embedders = new EnumMap<>(BundledModel.class);

    @BeforeAll
    void load() {
        for (BundledModel model : BundledModel.values()) {
            embedders.put(model, OnnxEmbedder.bundled(model));
        }
    }

    @AfterAll
    void close() {
        embedders.values().forEach(OnnxEmbedder::close);
    }

    @Test
    void infoNamesModelAndRuntimeAndCountsContentTokens() {
        var minilm = embedders.get(BundledModel.ALL_MINILM_L6_V2_Q).info();
        assertThat(minilm.id()).isEqualTo("all-minilm-l6-v2-q@onnxruntime-1.20.0");
        assertThat(minilm.dimension()).isEqualTo(384);
        // 256 positions minus [CLS] and [SEP]: a chunk whose count() is maxTokens is embedded whole.
        assertThat(minilm.maxTokens()).isEqualTo(254);

        var bge = embedders.get(BundledModel.BGE_SMALL_EN_V15_Q).info();
        assertThat(bge.id()).isEqualTo("bge-small-en-v1.5-q@onnxruntime-1.20.0");
        assertThat(bge.dimension()).isEqualTo(384);
        assertThat(bge.maxTokens()).isEqualTo(510);
    }

    @ParameterizedTest
    @EnumSource(BundledModel.class)
    void aParaphraseIsCloserThanAnUnrelatedSentence(BundledModel model) {
        List<float[]> v = embedders.get(model).embedAll(List.of(
                "The weather is lovely today.",
                "It is such a beautiful sunny day outside.",
                "The quarterly report shows a loss in revenue."));
        assertThat(cosine(v.get(0), v.get(1))).isGreaterThan(cosine(v.get(0), v.get(2)) + 0.1);
    }

    @ParameterizedTest
    @EnumSource(BundledModel.class)
    void aQuestionIsCloserToItsAnswerThanToAnUnrelatedPassage(BundledModel model) {
        OnnxEmbedder embedder = embedders.get(model);
        float[] question = embedder.embedQuery("What is the capital of France?");
        List<float[]> passages = embedder.embedAll(List.of(
                "Paris is the capital and most populous city of France, on the river Seine.",
                "Photosynthesis converts light energy into chemical energy stored in glucose."));
        assertThat(cosine(question, passages.get(0))).isGreaterThan(cosine(question, passages.get(1)) + 0.1);
    }

    @ParameterizedTest
    @EnumSource(BundledModel.class)
    void batchedVectorsMatchOneByOneInInputOrder(BundledModel model) {
        OnnxEmbedder embedder = embedders.get(model);
        List<String> texts = variedTexts(75, new Random(42)); // crosses batch boundaries, lengths shuffled
        try (OnnxEmbedder batching = OnnxEmbedder.bundled(model, new OnnxRuntimeOptions(32, 2, 1))) {
            List<float[]> batched = batching.embedAll(texts);
            List<float[]> single = texts.stream().map(t -> embedder.embedAll(List.of(t)).get(0)).toList();
            assertSameTextsInOrder(batched, single, texts);
        }
    }

    /** Each vector is close to its reference and closer to it than to any other text's reference. */
    private static void assertSameTextsInOrder(List<float[]> actual, List<float[]> expected, List<String> texts) {
        assertThat(actual).hasSize(expected.size());
        for (int i = 0; i < actual.size(); i++) {
            double same = cosine(actual.get(i), expected.get(i));
            assertThat(same).as("text %d: %s", i, texts.get(i)).isGreaterThan(SAME_TEXT);
            for (int j = 0; j < expected.size(); j++) {
                if (j != i && !texts.get(j).equals(texts.get(i))) {
                    assertThat(cosine(actual.get(i), expected.get(j))).as("text %d vs reference %d", i, j).isLessThan(same);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(BundledModel.class)
    void vectorsAreUnitLengthAndOfTheDeclaredDimension(BundledModel model) {
        OnnxEmbedder embedder = embedders.get(model);
        List<float[]> vectors = new ArrayList<>(embedder.embedAll(List.of("one", "two words", "")));
        vectors.add(embedder.embedQuery("a query"));
        for (float[] v : vectors) {
            assertThat(v).hasSize(model.dimension());
            assertThat(norm(v)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void emptyStringAndEmptyListWork() {
        OnnxEmbedder embedder = embedders.get(BundledModel.ALL_MINILM_L6_V2_Q);
        assertThat(embedder.embedAll(List.of())).isEmpty();
        float[] empty = embedder.embedAll(List.of("")).get(0);
        assertThat(norm(empty)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(embedder.count("")).isZero();
    }

    /** Past the limit the text is cut: what follows it cannot change the vector. */
    @ParameterizedTest
    @EnumSource(BundledModel.class)
    void aLongTextIsTruncatedToTheModelLimit(BundledModel model) {
        OnnxEmbedder embedder = embedders.get(model);
        String fiveThousandWords = words(5_000, new Random(7));
        assertThat(embedder.count(fiveThousandWords)).isGreaterThan(embedder.info().maxTokens());

        List<float[]> v = embedder.embedAll(List.of(
                fiveThousandWords,
                fiveThousandWords + " Completely different ending about submarines and volcanoes.",
                "Completely different ending about submarines and volcanoes. " + fiveThousandWords));
        assertThat(norm(v.get(0))).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(cosine(v.get(0), v.get(1))).isGreaterThan(0.9999);
        // Control: a change inside the limit does move the vector.
        assertThat(cosine(v.get(0), v.get(2))).isLessThan(0.99);
    }

    /**
     * A shorter window (embedder.max-tokens) embeds a text by its first N tokens — the same vector as
     * the full model gives those N tokens alone — under the model's own name: the vector space is the same.
     */
    @Test
    void aWindowEmbedsATextByItsBeginningUnderTheModelsName() {
        String text = words(400, new Random(11));
        try (OnnxEmbedder windowed = OnnxEmbedder.bundled(BundledModel.ALL_MINILM_L6_V2_Q, 64)) {
            assertThat(windowed.info().maxTokens()).isEqualTo(64);
            assertThat(windowed.info().id()).isEqualTo("all-minilm-l6-v2-q@onnxruntime-1.20.0");
            assertThat(windowed.count(text)).as("counting is never cut").isEqualTo(embedders.get(BundledModel.ALL_MINILM_L6_V2_Q).count(text));

            String[] words = text.split(" ");
            String beginning = String.join(" ", java.util.Arrays.copyOf(words, 40));
            assertThat(windowed.count(beginning)).isLessThanOrEqualTo(64);
            float[] long_ = windowed.embedAll(List.of(text)).get(0);
            // the first 64 tokens: grow the prefix word by word until it reaches the window
            int n = 40;
            while (windowed.count(String.join(" ", java.util.Arrays.copyOf(words, n + 1))) <= 64) n++;
            String window = String.join(" ", java.util.Arrays.copyOf(words, n));
            assertThat(cosine(long_, embedders.get(BundledModel.ALL_MINILM_L6_V2_Q).embedAll(List.of(window)).get(0))).isGreaterThan(0.9999);
            // Within the window both give the very same vectors, so one knowledge base may hold both.
            assertThat(windowed.embedAll(List.of(beginning)).get(0)).containsExactly(embedders.get(BundledModel.ALL_MINILM_L6_V2_Q).embedAll(List.of(beginning)).get(0));
            assertThat(windowed.embedQuery("when does the terrace close")).containsExactly(embedders.get(BundledModel.ALL_MINILM_L6_V2_Q).embedQuery("when does the terrace close"));
            // Control: the full model reads further, so its vector of the long text is another one.
            assertThat(cosine(long_, embedders.get(BundledModel.ALL_MINILM_L6_V2_Q).embedAll(List.of(text)).get(0))).isLessThan(0.99);
        }
        // a window at or above the model's limit is the model's limit
        try (OnnxEmbedder whole = OnnxEmbedder.bundled(BundledModel.ALL_MINILM_L6_V2_Q, 1_000)) {
            assertThat(whole.info().maxTokens()).isEqualTo(254);
        }
        assertThatThrownBy(() -> BundledModel.ALL_MINILM_L6_V2_Q.options(8)).hasMessageContaining("at least 14");
    }

    @Test
    void countsTokensWithoutSpecialTokensAndWithoutTruncation() {
        OnnxEmbedder embedder = embedders.get(BundledModel.ALL_MINILM_L6_V2_Q);
        // the quick brown fox jumps over the lazy dog .
        assertThat(embedder.count("The quick brown fox jumps over the lazy dog.")).isEqualTo(10);
        // token ##ization
        assertThat(embedder.count("Tokenization")).isEqualTo(2);
        // Beyond the 128 in the bundled tokenizer.json and the 256 model limit: counted, not cut.
        assertThat(embedder.count("hello ".repeat(1_000))).isEqualTo(1_000);
    }

    @Test
    void theBgeQueryPrefixAppliesToQueriesOnly() {
        OnnxEmbedder embedder = embedders.get(BundledModel.BGE_SMALL_EN_V15_Q);
        String text = "what is the capital of france";
        float[] asPassage = embedder.embedAll(List.of(text)).get(0);
        float[] prefixedPassage = embedder.embedAll(List.of(BundledModel.BGE_SMALL_EN_V15_Q.options().queryPrefix() + text)).get(0);
        float[] asQuery = embedder.embedQuery(text);
        assertThat(cosine(asQuery, prefixedPassage)).isGreaterThan(0.9999);
        assertThat(cosine(asQuery, asPassage)).isLessThan(0.99);
    }

    @Test
    void concurrentCallersGetTheSameVectorsAsOneCaller() throws Exception {
        OnnxEmbedder embedder = embedders.get(BundledModel.ALL_MINILM_L6_V2_Q);
        List<String> queries = variedTexts(16, new Random(3));
        List<float[]> expected = queries.stream().map(embedder::embedQuery).toList();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> futures = new ArrayList<>();
            for (int round = 0; round < 4; round++) {
                for (String q : queries) {
                    futures.add(pool.submit(() -> embedder.embedQuery(q)));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                // Queries run alone in their batch, so the result is exactly reproducible.
                assertThat(futures.get(i).get()).containsExactly(expected.get(i % queries.size()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** With the default batches of one, a text's vector does not depend on the call it came in. */
    @ParameterizedTest
    @EnumSource(BundledModel.class)
    void byDefaultVectorsAreExactlyReproducibleAcrossCalls(BundledModel model) {
        OnnxEmbedder embedder = embedders.get(model);
        List<String> texts = variedTexts(40, new Random(5));
        List<float[]> together = embedder.embedAll(texts);
        List<float[]> reversed = embedder.embedAll(texts.reversed()).reversed();
        for (int i = 0; i < texts.size(); i++) {
            float[] alone = embedder.embedAll(List.of(texts.get(i))).get(0);
            assertThat(together.get(i)).as("text %d", i).containsExactly(alone);
            assertThat(reversed.get(i)).as("text %d", i).containsExactly(alone);
        }
    }

    @Test
    void sequentialAndParallelRunsGiveTheSameVectors() {
        List<String> texts = variedTexts(100, new Random(11));
        try (OnnxEmbedder sequential = OnnxEmbedder.bundled(BundledModel.ALL_MINILM_L6_V2_Q, new OnnxRuntimeOptions(1, 1, 1));
             OnnxEmbedder parallel = OnnxEmbedder.bundled(BundledModel.ALL_MINILM_L6_V2_Q, new OnnxRuntimeOptions(1, 1, 3));
             OnnxEmbedder parallelBatches = OnnxEmbedder.bundled(BundledModel.ALL_MINILM_L6_V2_Q, new OnnxRuntimeOptions(8, 1, 2))) {
            List<float[]> expected = sequential.embedAll(texts);
            List<float[]> actual = parallel.embedAll(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(actual.get(i)).as("text %d", i).containsExactly(expected.get(i));
            }
            assertSameTextsInOrder(parallelBatches.embedAll(texts), expected, texts);
        }
    }

    @Test
    void aClosedEmbedderRefusesWorkAndClosesTwiceQuietly() {
        OnnxEmbedder embedder = OnnxEmbedder.bundled(BundledModel.ALL_MINILM_L6_V2_Q);
        embedder.close();
        embedder.close();
        assertThatThrownBy(() -> embedder.embedQuery("x")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> embedder.embedAll(List.of("x"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> embedder.count("x")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void nullTextsAreRejected() {
        OnnxEmbedder embedder = embedders.get(BundledModel.ALL_MINILM_L6_V2_Q);
        List<String> withNull = new ArrayList<>(List.of("a"));
        withNull.add(null);
        assertThatThrownBy(() -> embedder.embedAll(withNull)).isInstanceOf(NullPointerException.class);
    }

    /**
     * Texts of 1 to ~200 words in random order of length, each on its own topic (three words drawn
     * from the vocabulary) so that different texts have clearly different vectors.
     */
    static List<String> variedTexts(int n, Random random) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int length = 1 + (int) (Math.pow(random.nextDouble(), 2) * 200);
            String[] topic = {pick(random), pick(random), pick(random)};
            StringBuilder text = new StringBuilder(topic[0]);
            for (int w = 1; w < length; w++) {
                text.append(' ').append(topic[random.nextInt(topic.length)]);
            }
            texts.add(text.toString());
        }
        return texts;
    }

    private static final String[] VOCABULARY = ("river city music science history energy garden museum winter "
            + "language computer ocean mountain bread library engine festival planet medicine football "
            + "election painting coffee railway forest bridge theory harvest village satellite volcano "
            + "submarine violin glacier tax insurance wedding surgery chess desert parliament bacteria "
            + "poetry currency earthquake telescope tennis vaccine jazz pyramid robot whale").split(" ");

    private static String pick(Random random) {
        return VOCABULARY[random.nextInt(VOCABULARY.length)];
    }

    static String words(int n, Random random) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) text.append(' ');
            text.append(pick(random));
        }
        return text.toString();
    }
}
