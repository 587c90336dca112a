package io.knowhow.embed.onnx;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.knowhow.embed.onnx.Vectors.cosine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Loading a model from a directory, and the errors a user sees when that goes wrong. */
class ModelLoadingTest {
    private static final OnnxModelOptions MINILM = BundledModel.ALL_MINILM_L6_V2_Q.options().withName("my-minilm");

    @Test
    void aDirectoryModelEmbedsLikeTheBundledOne(@TempDir Path dir) throws IOException {
        copyBundled(BundledModel.ALL_MINILM_L6_V2_Q, dir);
        List<String> texts = List.of("Directory models work.", "So do bundled ones.");
        try (OnnxEmbedder fromDir = OnnxEmbedder.fromDirectory(dir, MINILM);
             OnnxEmbedder bundled = OnnxEmbedder.bundled(BundledModel.ALL_MINILM_L6_V2_Q)) {
            assertThat(fromDir.info().id()).isEqualTo("my-minilm@onnxruntime-1.20.0");
            assertThat(fromDir.info().dimension()).isEqualTo(384); // read from the model's declared output
            List<float[]> a = fromDir.embedAll(texts);
            List<float[]> b = bundled.embedAll(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(cosine(a.get(i), b.get(i))).isGreaterThan(0.9999);
            }
        }
    }

    @Test
    void aMissingModelFileIsNamed(@TempDir Path dir) throws IOException {
        copyBundled(BundledModel.ALL_MINILM_L6_V2_Q, dir);
        Files.delete(dir.resolve("model.onnx"));
        assertThatThrownBy(() -> OnnxEmbedder.fromDirectory(dir, MINILM))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(dir.resolve("model.onnx").toAbsolutePath().toString())
                .hasMessageContaining("missing")
                .hasMessageNotContaining(dir.resolve("tokenizer.json").toString());
    }

    @Test
    void bothMissingFilesAreNamedAtOnce(@TempDir Path dir) {
        assertThatThrownBy(() -> OnnxEmbedder.fromDirectory(dir, MINILM))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(dir.resolve("model.onnx").toAbsolutePath().toString())
                .hasMessageContaining(dir.resolve("tokenizer.json").toAbsolutePath().toString());
    }

    @Test
    void aCorruptModelFileIsNamed(@TempDir Path dir) throws IOException {
        copyBundled(BundledModel.ALL_MINILM_L6_V2_Q, dir);
        Files.writeString(dir.resolve("model.onnx"), "not a model");
        assertThatThrownBy(() -> OnnxEmbedder.fromDirectory(dir, MINILM))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(dir.resolve("model.onnx").toAbsolutePath().toString());
    }

    @Test
    void aCorruptTokenizerFileIsNamed(@TempDir Path dir) throws IOException {
        copyBundled(BundledModel.ALL_MINILM_L6_V2_Q, dir);
        Files.writeString(dir.resolve("tokenizer.json"), "{ not json");
        assertThatThrownBy(() -> OnnxEmbedder.fromDirectory(dir, MINILM))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(dir.resolve("tokenizer.json").toAbsolutePath().toString());
    }

    @Test
    void optionsRejectValuesThatCannotWork() {
        assertThatThrownBy(() -> OnnxModelOptions.of(" ", Pooling.MEAN, 256)).hasMessageContaining("blank");
        assertThatThrownBy(() -> OnnxModelOptions.of("a@b", Pooling.MEAN, 256)).hasMessageContaining("'@'");
        assertThatThrownBy(() -> OnnxModelOptions.of("m", Pooling.MEAN, 4)).hasMessageContaining("maxSequenceLength");
        assertThatThrownBy(() -> new OnnxRuntimeOptions(0, 1, 1)).hasMessageContaining("batchSize");
        assertThatThrownBy(() -> new OnnxRuntimeOptions(8, 0, 1)).hasMessageContaining("intraOpThreads");
        assertThatThrownBy(() -> new OnnxRuntimeOptions(8, 1, 0)).hasMessageContaining("parallelBatches");
    }

    private static void copyBundled(BundledModel model, Path dir) throws IOException {
        copyResource(model.modelResource(), dir.resolve("model.onnx"));
        copyResource(model.tokenizerResource(), dir.resolve("tokenizer.json"));
    }

    private static void copyResource(String resource, Path target) throws IOException {
        try (InputStream in = ModelLoadingTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            Files.copy(in, target);
        }
    }
}
