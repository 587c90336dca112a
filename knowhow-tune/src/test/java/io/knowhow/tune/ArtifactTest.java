package io.knowhow.tune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.knowhow.tune.artifact.ModelMerger;
import io.knowhow.tune.artifact.PeftAdapter;
import io.knowhow.tune.model.DecoderModel;
import io.knowhow.tune.model.LoraConfig;
import io.knowhow.tune.model.LoraWeights;
import io.knowhow.tune.model.ModelConfig;
import io.knowhow.tune.model.ModelLoadException;
import io.knowhow.tune.model.Projection;
import io.knowhow.tune.model.TextTokenizer;
import io.knowhow.tune.model.Torch;
import io.knowhow.tune.safetensors.SafetensorsFile;
import io.knowhow.tune.safetensors.SafetensorsWriter;
import io.knowhow.tune.train.AdamW;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** PEFT adapters and merged models: layout, round trip, and merge = base + adapter. */
class ArtifactTest {
    @TempDir
    Path tmp;

    private Path base;
    private ModelConfig config;
    private int[] tokens;
    private final LoraConfig loraConfig = new LoraConfig(4, 8, 0.05, EnumSet.of(Projection.Q_PROJ, Projection.V_PROJ, Projection.UP_PROJ),
            false, "tiny-base");

    @BeforeEach
    void setUp() throws Exception {
        base = tmp.resolve("base");
        config = TestModels.write(base, TestModels.Spec.qwen2());
        try (TextTokenizer tok = TextTokenizer.load(base.resolve("tokenizer.json"))) {
            tokens = tok.encode(DecoderForwardTest.TEXT);
        }
    }

    /** An adapter with non-zero B, as after training, written to {@code dir}; returns its values by name. */
    private Map<String, float[]> writeTrainedAdapter(Path dir) {
        try (DecoderModel model = DecoderModel.load(base)) {
            LoraWeights lora = LoraWeights.init(config, loraConfig, model.manager(), 5);
            SplittableRandom r = new SplittableRandom(2);
            Map<String, float[]> values = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : lora.named().entrySet()) {
                if (e.getKey().contains("lora_B")) {
                    float[] v = new float[(int) e.getValue().getShape().size()];
                    for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian(0, 0.2);
                    AdamW.copyInto(e.getValue(), Torch.floats(model.manager(), v, e.getValue().getShape().getShape()));
                }
                values.put(e.getKey(), e.getValue().toFloatArray());
            }
            PeftAdapter.write(dir, lora);
            return values;
        }
    }

    private float[] logits(DecoderModel model, LoraWeights lora) {
        try (NDManager scope = model.manager().newSubManager()) {
            return model.logits(model.forward(Torch.longs(scope, DecoderForwardTest.longs(tokens), 1, tokens.length), null, lora, false))
                    .toFloatArray();
        }
    }

    @Test
    void adapterIsWrittenInPeftLayout() throws Exception {
        Path dir = tmp.resolve("adapter");
        writeTrainedAdapter(dir);
        JsonNode c = new ObjectMapper().readTree(Files.readString(dir.resolve("adapter_config.json")));
        assertThat(c.path("peft_type").asText()).isEqualTo("LORA");
        assertThat(c.path("task_type").asText()).isEqualTo("CAUSAL_LM");
        assertThat(c.path("r").asInt()).isEqualTo(4);
        assertThat(c.path("lora_alpha").asDouble()).isEqualTo(8.0);
        assertThat(c.path("lora_dropout").asDouble()).isEqualTo(0.05);
        assertThat(c.path("base_model_name_or_path").asText()).isEqualTo("tiny-base");
        assertThat(c.path("target_modules")).extracting(JsonNode::asText).containsExactly("q_proj", "v_proj", "up_proj");
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("adapter_model.safetensors"))) {
            assertThat(f.tensors()).hasSize(config.layers() * 3 * 2);
            assertThat(f.info("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").shape()).containsExactly(4, 32);
            assertThat(f.info("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight").shape()).containsExactly(32, 4);
            assertThat(f.info("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight").shape()).containsExactly(16, 4);
            assertThat(f.info("base_model.model.model.layers.1.mlp.up_proj.lora_A.weight").shape()).containsExactly(4, 32);
        }
    }

    @Test
    void adapterSavedAndLoadedGivesIdenticalLogits() {
        Path dir = tmp.resolve("adapter");
        try (DecoderModel model = DecoderModel.load(base)) {
            LoraWeights lora = LoraWeights.init(config, loraConfig, model.manager(), 5);
            SplittableRandom r = new SplittableRandom(2);
            for (Map.Entry<String, NDArray> e : lora.named().entrySet()) {
                float[] v = e.getValue().toFloatArray();
                for (int i = 0; i < v.length; i++) v[i] += (float) r.nextGaussian(0, 0.2);
                AdamW.copyInto(e.getValue(), Torch.floats(model.manager(), v, e.getValue().getShape().getShape()));
            }
            float[] before = logits(model, lora);
            PeftAdapter.write(dir, lora);
            LoraWeights loaded = PeftAdapter.read(dir, config, model.manager());
            assertThat(loaded.config().targets()).isEqualTo(loraConfig.targets());
            assertThat(loaded.config().scaling()).isEqualTo(2.0);
            assertThat(logits(model, loaded)).containsExactly(before);
            assertThat(logits(model, null)).isNotEqualTo(before);
        }
    }

    @Test
    void mergedModelEqualsBasePlusAdapterAndTheReference() {
        Path dir = tmp.resolve("adapter");
        Map<String, float[]> adapter = writeTrainedAdapter(dir);
        Path merged = ModelMerger.merge(base, dir, tmp.resolve("merged"));
        assertThat(merged.resolve("tokenizer.json")).exists();
        assertThat(merged.resolve("config.json")).exists();
        float[] unmerged, fromMerged;
        try (DecoderModel model = DecoderModel.load(base)) {
            unmerged = logits(model, PeftAdapter.read(dir, config, model.manager()));
        }
        try (DecoderModel model = DecoderModel.load(merged)) {
            fromMerged = logits(model, null);
        }
        DecoderForwardTest.assertClose(unmerged, fromMerged);
        double[][] reference = new ReferenceDecoder(config, TestModels.readWeights(base), adapter, loraConfig.scaling(), 4).logits(tokens);
        float[] flat = new float[unmerged.length];
        for (int i = 0; i < reference.length; i++)
            for (int v = 0; v < config.vocabSize(); v++) flat[i * config.vocabSize() + v] = (float) reference[i][v];
        DecoderForwardTest.assertClose(flat, unmerged);
    }

    @Test
    void adaptersWithPeftsInMemoryNamesLoadAndUnsupportedVariantsAreRefused() throws Exception {
        Path dir = tmp.resolve("adapter");
        writeTrainedAdapter(dir);
        // Rename the tensors as PEFT names them in memory (adapter name "default").
        List<SafetensorsWriter.Entry> renamed = new ArrayList<>();
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("adapter_model.safetensors"))) {
            for (String n : f.tensors().keySet())
                renamed.add(SafetensorsWriter.Entry.of(n.replace(".weight", ".default.weight"), f.info(n).shape(), f.floats(n)));
        }
        SafetensorsWriter.write(dir.resolve("adapter_model.safetensors"), renamed, Map.of());
        try (DecoderModel model = DecoderModel.load(base)) {
            assertThat(PeftAdapter.read(dir, config, model.manager()).named()).hasSize(renamed.size());

            String json = Files.readString(dir.resolve("adapter_config.json"));
            Files.writeString(dir.resolve("adapter_config.json"), json.replace("\"use_dora\" : false", "\"use_dora\" : true"));
            assertThatThrownBy(() -> PeftAdapter.read(dir, config, model.manager()))
                    .isInstanceOf(ModelLoadException.class).hasMessageContaining("adapter_config.json").hasMessageContaining("DoRA");

            ModelConfig other = TestModels.write(tmp.resolve("other"), TestModels.Spec.qwen2().size(16, 32, 2, 4, 2));
            Files.writeString(dir.resolve("adapter_config.json"), json);
            assertThatThrownBy(() -> PeftAdapter.read(dir, other, model.manager()))
                    .isInstanceOf(ModelLoadException.class).hasMessageContaining("another base model");
            assertThatThrownBy(() -> PeftAdapter.read(tmp.resolve("nowhere"), config, model.manager()))
                    .isInstanceOf(ModelLoadException.class).hasMessageContaining("nowhere");
        }
    }
}
