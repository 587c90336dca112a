package io.knowhow.tune.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.knowhow.tune.safetensors.SafetensorsFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The files of a Hugging Face model directory: {@code config.json}, {@code tokenizer.json} and the
 * weights, either one {@code model.safetensors}, shards listed by {@code model.safetensors.index.json},
 * or the directory's {@code *.safetensors} files.
 *
 * @param dir       the model directory
 * @param config    its config.json
 * @param tokenizer its tokenizer.json
 * @param weights   the safetensors files holding the weights, in a stable order
 */
public record ModelFiles(Path dir, Path config, Path tokenizer, List<Path> weights) {
    /** Files copied along when knowhow writes a model derived from this one (merge, full fine-tune). */
    public static final List<String> COMPANION_FILES = List.of("tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "generation_config.json", "vocab.json", "merges.txt", "tokenizer.model");

    public ModelFiles {
        weights = List.copyOf(weights);
    }

    /**
     * Checks that {@code dir} holds a usable model and lists its files.
     *
     * @throws ModelLoadException naming the missing path and what a model directory needs
     */
    public static ModelFiles locate(Path dir) {
        if (!Files.exists(dir))
            throw new ModelLoadException("Model directory not found: " + dir.toAbsolutePath()
                    + ". Point to a local Hugging Face model directory (config.json, tokenizer.json, *.safetensors).");
        if (!Files.isDirectory(dir))
            throw new ModelLoadException(dir.toAbsolutePath() + " is a file, not a model directory (config.json, tokenizer.json, *.safetensors)");
        Path config = dir.resolve("config.json");
        if (!Files.isRegularFile(config))
            throw new ModelLoadException(config.toAbsolutePath() + " not found: " + dir + " does not look like a Hugging Face model directory");
        Path tokenizer = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizer))
            throw new ModelLoadException(tokenizer.toAbsolutePath() + " not found: knowhow needs the model's fast tokenizer file (tokenizer.json)");
        return new ModelFiles(dir, config, tokenizer, weightFiles(dir));
    }

    private static List<Path> weightFiles(Path dir) {
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(index)) {
            try {
                JsonNode map = new ObjectMapper().readTree(Files.readString(index)).path("weight_map");
                Set<String> shards = new TreeSet<>();
                map.forEach(v -> shards.add(v.asText()));
                List<Path> out = new ArrayList<>();
                for (String s : shards) {
                    Path p = dir.resolve(s);
                    if (!Files.isRegularFile(p)) throw new ModelLoadException(index + " lists shard " + s + ", but " + p + " is missing");
                    out.add(p);
                }
                if (out.isEmpty()) throw new ModelLoadException(index + " lists no weight files");
                return out;
            } catch (IOException e) {
                throw new ModelLoadException("Cannot read " + index + ": " + e.getMessage(), e);
            }
        }
        Path single = dir.resolve("model.safetensors");
        if (Files.isRegularFile(single)) return List.of(single);
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> out = files.filter(p -> p.getFileName().toString().endsWith(".safetensors"))
                    .filter(p -> !p.getFileName().toString().startsWith("adapter_model")).sorted().toList();
            if (!out.isEmpty()) return out;
        } catch (IOException e) {
            throw new ModelLoadException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
        boolean pickle = Files.exists(dir.resolve("pytorch_model.bin"));
        throw new ModelLoadException("No *.safetensors weights in " + dir.toAbsolutePath()
                + (pickle ? ": pytorch_model.bin is not read (pickle files can run code); convert the model to safetensors" : ""));
    }

    /**
     * Opens every weight file and indexes tensor name → file. The caller closes the returned files.
     */
    public Map<String, SafetensorsFile> openWeights() {
        Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
        List<SafetensorsFile> opened = new ArrayList<>();
        try {
            for (Path p : weights) {
                SafetensorsFile f = SafetensorsFile.open(p);
                opened.add(f);
                for (String name : f.tensors().keySet()) byTensor.putIfAbsent(name, f);
            }
            return byTensor;
        } catch (RuntimeException e) {
            opened.forEach(SafetensorsFile::close);
            throw e;
        }
    }
}
