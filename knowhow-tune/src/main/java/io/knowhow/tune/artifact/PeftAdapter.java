package io.knowhow.tune.artifact;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.tune.model.LoraConfig;
import io.knowhow.tune.model.LoraWeights;
import io.knowhow.tune.model.ModelConfig;
import io.knowhow.tune.model.ModelLoadException;
import io.knowhow.tune.model.Projection;
import io.knowhow.tune.model.Torch;
import io.knowhow.tune.safetensors.DType;
import io.knowhow.tune.safetensors.SafetensorsFile;
import io.knowhow.tune.safetensors.SafetensorsWriter;
import io.knowhow.tune.safetensors.TensorInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes LoRA adapters in the layout of Hugging Face PEFT, so that an adapter trained here
 * loads with {@code PeftModel.from_pretrained(base, dir)} and one trained in Python runs here.
 * <pre>
 * adapter_config.json        {"peft_type": "LORA", "task_type": "CAUSAL_LM", "r": 8, "lora_alpha": 16,
 *                             "lora_dropout": 0.05, "target_modules": ["q_proj", ...], "bias": "none",
 *                             "base_model_name_or_path": "...", ...}
 * adapter_model.safetensors  base_model.model.model.layers.{i}.self_attn.q_proj.lora_A.weight (r, in)
 *                            base_model.model.model.layers.{i}.self_attn.q_proj.lora_B.weight (out, r)   f32
 * </pre>
 * Reading accepts the names with PEFT's in-memory adapter name ({@code lora_A.default.weight}) too, and
 * takes the targeted modules from the tensors present (the config may give them as a regular expression).
 * Adapter variants knowhow does not compute (DoRA, per-module ranks, trained biases, extra saved
 * modules, a subset of layers) are refused with a message, never silently mis-applied.
 */
public final class PeftAdapter {
    public static final String CONFIG_FILE = "adapter_config.json";
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile(
            "base_model\\.model\\.model\\.layers\\.(\\d+)\\.(self_attn|mlp)\\.(\\w+_proj)\\.lora_([AB])(?:\\.default)?\\.weight");

    private PeftAdapter() {}

    /** Whether {@code dir} holds an adapter (its config file exists). */
    public static boolean isAdapter(Path dir) {
        return Files.isRegularFile(dir.resolve(CONFIG_FILE));
    }

    /** Writes {@code lora} into {@code dir} (created if needed), replacing an adapter already there. */
    public static void write(Path dir, LoraWeights lora) {
        LoraConfig c = lora.config();
        ObjectNode config = JSON.createObjectNode();
        config.put("peft_type", "LORA").put("task_type", "CAUSAL_LM").put("r", c.rank()).put("lora_alpha", c.alpha())
                .put("lora_dropout", c.dropout());
        config.putArray("target_modules").addAll(c.targetModuleNames().stream().map(config::textNode).toList());
        config.put("bias", "none").put("base_model_name_or_path", c.baseModel()).put("fan_in_fan_out", false)
                .put("inference_mode", true).put("init_lora_weights", true).put("use_rslora", c.useRsLora())
                .put("use_dora", false).putNull("modules_to_save").putNull("layers_to_transform").putNull("revision");
        config.putObject("rank_pattern");
        config.putObject("alpha_pattern");
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        lora.named().forEach((name, a) -> entries.add(new SafetensorsWriter.Entry(name, DType.F32, a.getShape().getShape(), a::toByteBuffer)));
        try {
            Files.createDirectories(dir);
            SafetensorsWriter.write(dir.resolve(WEIGHTS_FILE), entries, Map.of("format", "pt"));
            Files.writeString(dir.resolve(CONFIG_FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write adapter to " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the adapter in {@code dir} for a model of {@code model}'s shape, its arrays in {@code manager}.
     *
     * @throws ModelLoadException naming the file when the adapter is missing, unsupported or does not fit the model
     */
    public static LoraWeights read(Path dir, ModelConfig model, NDManager manager) {
        Path configFile = dir.resolve(CONFIG_FILE);
        Path weightsFile = dir.resolve(WEIGHTS_FILE);
        if (!Files.isDirectory(dir)) throw new ModelLoadException("Adapter directory not found: " + dir.toAbsolutePath());
        if (!Files.isRegularFile(configFile))
            throw new ModelLoadException(configFile.toAbsolutePath() + " not found: " + dir + " is not a PEFT adapter directory");
        if (!Files.isRegularFile(weightsFile))
            throw new ModelLoadException(weightsFile.toAbsolutePath() + " not found (adapter_model.bin is not read: save the adapter with safetensors)");
        JsonNode config;
        try {
            config = JSON.readTree(Files.readString(configFile));
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read " + configFile + ": " + e.getMessage(), e);
        }
        String type = config.path("peft_type").asText("");
        if (!type.equals("LORA")) throw new ModelLoadException(configFile + ": peft_type '" + type + "' is not supported, only LORA");
        refuse(configFile, config.path("use_dora").asBoolean(false), "DoRA adapters (use_dora) are not supported");
        refuse(configFile, !config.path("bias").asText("none").equals("none"), "adapters that train biases (bias != \"none\") are not supported");
        refuse(configFile, nonEmpty(config.path("modules_to_save")), "modules_to_save is not supported");
        refuse(configFile, nonEmpty(config.path("rank_pattern")) || nonEmpty(config.path("alpha_pattern")),
                "per-module ranks or alphas (rank_pattern, alpha_pattern) are not supported");
        refuse(configFile, config.path("fan_in_fan_out").asBoolean(false), "fan_in_fan_out adapters (GPT-2 style) are not supported");

        try (SafetensorsFile file = SafetensorsFile.open(weightsFile)) {
            Set<Projection> targets = EnumSet.noneOf(Projection.class);
            Map<String, String> canonical = new LinkedHashMap<>(); // PEFT saved name → name in file
            int rank = -1;
            for (TensorInfo t : file.tensors().values()) {
                Matcher m = NAME.matcher(t.name());
                if (!m.matches())
                    throw new ModelLoadException(weightsFile + ": tensor '" + t.name() + "' is not a LoRA matrix of a decoder projection");
                Projection p = Projection.parse(m.group(3));
                int layer = Integer.parseInt(m.group(1));
                if (layer >= model.layers())
                    throw new ModelLoadException(weightsFile + ": tensor '" + t.name() + "' is for layer " + layer + ", the model has " + model.layers());
                targets.add(p);
                String name = m.group(4).equals("A") ? LoraWeights.nameA(layer, p) : LoraWeights.nameB(layer, p);
                canonical.put(name, t.name());
                if (m.group(4).equals("A")) rank = (int) t.shape()[0];
            }
            if (targets.isEmpty()) throw new ModelLoadException(weightsFile + " holds no LoRA matrices");
            int r = config.path("r").asInt(rank);
            LoraConfig lora = new LoraConfig(r, config.path("lora_alpha").asDouble(r), config.path("lora_dropout").asDouble(0),
                    targets, config.path("use_rslora").asBoolean(false), config.path("base_model_name_or_path").asText(""));
            Map<String, long[]> expected = LoraWeights.expectedShapes(model, lora);
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            try {
                for (Map.Entry<String, long[]> e : expected.entrySet()) {
                    String inFile = canonical.get(e.getKey());
                    if (inFile == null)
                        throw new ModelLoadException(weightsFile + " lacks '" + e.getKey()
                                + "' (adapters on a subset of layers, layers_to_transform, are not supported)");
                    long[] shape = file.info(inFile).shape();
                    if (!Arrays.equals(shape, e.getValue()))
                        throw new ModelLoadException(weightsFile + ": '" + inFile + "' has shape " + Arrays.toString(shape) + ", the model needs "
                                + Arrays.toString(e.getValue()) + " (r=" + r + "): is this adapter for another base model?");
                    arrays.put(e.getKey(), Torch.floats(manager, file.f32(inFile), e.getValue()));
                }
            } catch (RuntimeException ex) {
                arrays.values().forEach(NDArray::close);
                throw ex;
            }
            return LoraWeights.of(model, lora, arrays, manager);
        }
    }

    private static boolean nonEmpty(JsonNode n) {
        return n != null && !n.isNull() && !n.isMissingNode() && n.size() > 0;
    }

    private static void refuse(Path file, boolean condition, String why) {
        if (condition) throw new ModelLoadException(file + ": " + why);
    }
}
