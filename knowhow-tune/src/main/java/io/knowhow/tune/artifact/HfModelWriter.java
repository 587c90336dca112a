package io.knowhow.tune.artifact;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.tune.model.DecoderWeights;
import io.knowhow.tune.model.ModelFiles;
import io.knowhow.tune.safetensors.DType;
import io.knowhow.tune.safetensors.SafetensorsWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a whole model as a Hugging Face model directory that transformers and knowhow load:
 * {@code config.json} (the base model's, with {@code torch_dtype} float32), {@code model.safetensors}
 * with every parameter in f32 under its Hugging Face name, and the base model's tokenizer files copied.
 */
public final class HfModelWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HfModelWriter() {}

    /**
     * Writes {@code weights} to {@code outDir}.
     *
     * @param baseDir the model the weights derive from, whose tokenizer and generation files are copied
     */
    public static void write(Path outDir, DecoderWeights weights, Path baseDir) {
        try {
            Files.createDirectories(outDir);
            ObjectNode config = weights.config().raw().deepCopy();
            config.put("torch_dtype", "float32");
            if (config.has("dtype")) config.put("dtype", "float32");
            config.remove("quantization_config");
            Files.writeString(outDir.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
            for (String name : ModelFiles.COMPANION_FILES) {
                Path src = baseDir.resolve(name);
                if (Files.isRegularFile(src) && !src.toAbsolutePath().normalize().equals(outDir.resolve(name).toAbsolutePath().normalize()))
                    Files.copy(src, outDir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
            List<SafetensorsWriter.Entry> entries = new ArrayList<>();
            for (Map.Entry<String, NDArray> e : weights.named().entrySet()) {
                NDArray a = e.getValue();
                entries.add(new SafetensorsWriter.Entry(e.getKey(), DType.F32, a.getShape().getShape(), a::toByteBuffer));
            }
            SafetensorsWriter.write(outDir.resolve("model.safetensors"), entries, Map.of("format", "pt"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write model to " + outDir + ": " + e.getMessage(), e);
        }
    }
}
