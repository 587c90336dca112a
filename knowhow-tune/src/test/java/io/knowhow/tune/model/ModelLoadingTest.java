package io.knowhow.tune.model;

import ai.djl.ndarray.NDManager;
import io.knowhow.tune.ReferenceDecoder;
import io.knowhow.tune.TestModels;
import io.knowhow.tune.safetensors.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Model directories: what is accepted, and what is refused with a message naming the path. */
class ModelLoadingTest {
    @TempDir
    Path tmp;

    static final int[] TOKENS = {264, 85, 115, 101, 114, 198, 72, 105, 265, 198, 264, 97};

    @Test
    void aMissingDirectoryOrFileIsNamedInTheError() throws Exception {
        Path missing = tmp.resolve("no-such-model");
        assertThatThrownBy(() -> DecoderModel.load(missing)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("Model directory not found").hasMessageContaining(missing.toString());
        Path file = Files.writeString(tmp.resolve("file.txt"), "x");
        assertThatThrownBy(() -> DecoderModel.load(file)).isInstanceOf(ModelLoadException.class).hasMessageContaining("is a file");

        Path dir = tmp.resolve("model");
        TestModels.write(dir, TestModels.Spec.llama());
        Files.delete(dir.resolve("model.safetensors"));
        Files.writeString(dir.resolve("pytorch_model.bin"), "pickle");
        assertThatThrownBy(() -> DecoderModel.load(dir)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("No *.safetensors weights in").hasMessageContaining("pytorch_model.bin");
        Files.delete(dir.resolve("tokenizer.json"));
        assertThatThrownBy(() -> DecoderModel.load(dir)).isInstanceOf(ModelLoadException.class).hasMessageContaining("tokenizer.json");
        Files.delete(dir.resolve("config.json"));
        assertThatThrownBy(() -> DecoderModel.load(dir)).isInstanceOf(ModelLoadException.class).hasMessageContaining("config.json");
    }

    @Test
    void unsupportedArchitecturesAndMismatchedTensorsAreRefused() throws Exception {
        Path dir = tmp.resolve("model");
        TestModels.write(dir, TestModels.Spec.llama());
        String config = Files.readString(dir.resolve("config.json"));
        Files.writeString(dir.resolve("config.json"), config.replace("\"llama\"", "\"gpt2\""));
        assertThatThrownBy(() -> DecoderModel.load(dir)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("config.json").hasMessageContaining("model_type 'gpt2' is not supported");
        Files.writeString(dir.resolve("config.json"), config.replace("\"hidden_act\":\"silu\"", "\"hidden_act\":\"gelu\""));
        assertThatThrownBy(() -> DecoderModel.load(dir)).isInstanceOf(ModelLoadException.class).hasMessageContaining("gelu");
        Files.writeString(dir.resolve("config.json"), config.replace("\"llama\"", "\"qwen2\"").replace("{", "{\"use_sliding_window\":true,"));
        assertThatThrownBy(() -> DecoderModel.load(dir)).isInstanceOf(ModelLoadException.class).hasMessageContaining("use_sliding_window");
        Files.writeString(dir.resolve("config.json"), config.replace("\"intermediate_size\":64", "\"intermediate_size\":65"));
        assertThatThrownBy(() -> DecoderModel.load(dir)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("model.safetensors").hasMessageContaining("gate_proj.weight").hasMessageContaining("[65, 32]");
        Files.writeString(dir.resolve("config.json"), config.replace("\"tie_word_embeddings\":true", "\"tie_word_embeddings\":false")
                .replace("\"num_hidden_layers\":2", "\"num_hidden_layers\":3"));
        assertThatThrownBy(() -> DecoderModel.load(dir)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("model.layers.2.input_layernorm.weight");
    }

    @Test
    void bf16AndF16WeightsLoadAsF32WithoutAbortingTheJvm() throws Exception {
        Path f32Dir = tmp.resolve("f32");
        ModelConfig config = TestModels.write(f32Dir, TestModels.Spec.llama());
        Map<String, float[]> f32 = TestModels.readWeights(f32Dir);
        for (DType dtype : new DType[] {DType.BF16, DType.F16}) {
            Path dir = tmp.resolve(dtype.name());
            TestModels.write(dir, TestModels.Spec.llama().dtype(dtype)); // same seed: the same values, rounded
            Map<String, float[]> rounded = new LinkedHashMap<>();
            f32.forEach((name, v) -> {
                float[] r = new float[v.length];
                for (int i = 0; i < v.length; i++)
                    r[i] = dtype == DType.BF16 ? Float.intBitsToFloat(Float.floatToRawIntBits(v[i]) & 0xFFFF0000)
                            : Float.float16ToFloat(Float.floatToFloat16(v[i]));
                rounded.put(name, r);
            });
            double[][] expected = new ReferenceDecoder(config, rounded).logits(TOKENS);
            try (DecoderModel model = DecoderModel.load(dir); NDManager scope = model.manager().newSubManager()) {
                long[] ids = java.util.Arrays.stream(TOKENS).asLongStream().toArray();
                float[] actual = model.logits(model.forward(Torch.longs(scope, ids, 1, ids.length), null, null, false)).toFloatArray();
                double max = 0;
                for (int i = 0; i < TOKENS.length; i++)
                    for (int v = 0; v < config.vocabSize(); v++)
                        max = Math.max(max, Math.abs(actual[i * config.vocabSize() + v] - expected[i][v]));
                assertThat(max).as("%s: max |logit difference|", dtype).isLessThan(1e-4);
            }
        }
    }

    @Test
    void shardedWeightsAreFoundThroughTheirIndex() throws Exception {
        Path dir = tmp.resolve("model");
        TestModels.write(dir, TestModels.Spec.llama());
        Files.move(dir.resolve("model.safetensors"), dir.resolve("model-00001-of-00001.safetensors"));
        Files.writeString(dir.resolve("model.safetensors.index.json"),
                "{\"weight_map\": {\"model.norm.weight\": \"model-00001-of-00001.safetensors\"}}");
        assertThat(ModelFiles.locate(dir).weights()).containsExactly(dir.resolve("model-00001-of-00001.safetensors"));
        try (DecoderModel model = DecoderModel.load(dir)) {
            assertThat(model.weights().parameterCount()).isEqualTo(model.config().parameterCount());
        }
        Files.writeString(dir.resolve("model.safetensors.index.json"), "{\"weight_map\": {\"a\": \"model-00002-of-00002.safetensors\"}}");
        assertThatThrownBy(() -> ModelFiles.locate(dir)).isInstanceOf(ModelLoadException.class).hasMessageContaining("model-00002-of-00002");
    }

    @Test
    void configFieldsAreReadPerFamily() throws Exception {
        Path dir = tmp.resolve("model");
        ModelConfig qwen = TestModels.write(dir, TestModels.Spec.qwen2());
        assertThat(qwen.family()).isEqualTo(Family.QWEN2);
        assertThat(qwen.qkvBias()).isTrue();
        assertThat(qwen.oBias()).isFalse();
        assertThat(qwen.tiedEmbeddings()).isFalse();
        assertThat(qwen.groupSize()).isEqualTo(2);
        assertThat(qwen.headDim()).isEqualTo(8);
        assertThat(qwen.eosTokenIds()).containsExactly(io.knowhow.tune.TestTokenizer.IM_END);
        float[] llama3 = new RopeScaling("llama3", 8, 1, 4, 8192).inverseFrequencies(64, 500000);
        float[] plain = RopeScaling.NONE.inverseFrequencies(64, 500000);
        assertThat(llama3[0]).isEqualTo(plain[0]);            // high frequencies kept
        assertThat(llama3[31]).isEqualTo(plain[31] / 8);      // low frequencies divided by the factor
    }
}
