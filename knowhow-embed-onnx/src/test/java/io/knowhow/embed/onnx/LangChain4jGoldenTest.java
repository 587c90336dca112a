package io.knowhow.embed.onnx;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static io.knowhow.embed.onnx.Vectors.cosine;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks our tokenization, pooling and normalisation against LangChain4j's own in-process models,
 * which run the same ONNX files: for texts shorter than every truncation limit the vectors must agree.
 *
 * <p>LangChain4j embeds one text per run, so we do too here: in a batch, the int8 models' dynamic
 * activation quantization makes vectors depend slightly on their batch mates (see OnnxEmbedderTest).
 */
class LangChain4jGoldenTest {
    /** Short (no truncation anywhere) and varied: casing, punctuation, digits, accents, a long word. */
    private static final List<String> SENTENCES = List.of(
            "The cat sits on the mat.",
            "A quick brown fox jumps over the lazy dog!",
            "Apache Lucene is a high-performance, full-featured text search engine library written in Java.",
            "In 1969, Neil Armstrong became the first person to walk on the Moon.",
            "Café prices rose by 3.5% in Zürich last year.",
            "Antidisestablishmentarianism is rarely used in everyday conversation.");

    @ParameterizedTest
    @EnumSource(BundledModel.class)
    void passageVectorsEqualLangChain4js(BundledModel bundled) {
        EmbeddingModel reference = reference(bundled);
        try (OnnxEmbedder embedder = OnnxEmbedder.bundled(bundled)) {
            for (String sentence : SENTENCES) {
                float[] ours = embedder.embedAll(List.of(sentence)).get(0);
                float[] theirs = reference.embed(sentence).content().vector();
                assertThat(cosine(ours, theirs)).as("%s: %s", bundled, sentence).isGreaterThan(0.9999);
            }
        }
    }

    /** LangChain4j leaves the query prefix to the caller; ours adds it, so prefixing by hand must agree. */
    @ParameterizedTest
    @EnumSource(BundledModel.class)
    void queryVectorsEqualLangChain4jsWithThePrefix(BundledModel bundled) {
        EmbeddingModel reference = reference(bundled);
        String query = "who walked on the moon first";
        try (OnnxEmbedder embedder = OnnxEmbedder.bundled(bundled)) {
            float[] theirs = reference.embed(bundled.options().queryPrefix() + query).content().vector();
            assertThat(cosine(embedder.embedQuery(query), theirs)).isGreaterThan(0.9999);
        }
    }

    private static EmbeddingModel reference(BundledModel bundled) {
        return switch (bundled) {
            case ALL_MINILM_L6_V2_Q -> new AllMiniLmL6V2QuantizedEmbeddingModel();
            case BGE_SMALL_EN_V15_Q -> new BgeSmallEnV15QuantizedEmbeddingModel();
        };
    }
}
