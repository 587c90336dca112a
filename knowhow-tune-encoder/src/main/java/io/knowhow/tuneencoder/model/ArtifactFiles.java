package io.knowhow.tuneencoder.model;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.knowhow.tune.safetensors.DType;
import io.knowhow.tune.safetensors.SafetensorsFile;
import io.knowhow.tune.safetensors.SafetensorsWriter;
import io.knowhow.tuneencoder.onnx.OnnxGraph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the files of a tuned-encoder artifact (classifier, extractor, embedder): f32
 * safetensors of named arrays and a JSON config. One place, so the three artifact kinds stay
 * byte-compatible in how they store weights.
 */
public final class ArtifactFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ArtifactFiles() {}

    /** Writes {@code arrays} as f32 safetensors, tensors sorted by name so files are reproducible. */
    public static void write(Path file, Map<String, NDArray> arrays) {
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        arrays.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                entries.add(new SafetensorsWriter.Entry(e.getKey(), DType.F32, e.getValue().getShape().getShape(), e.getValue()::toByteBuffer)));
        SafetensorsWriter.write(file, entries, Map.of("format", "pt"));
    }

    /**
     * Reads a JSON file of an artifact.
     *
     * @param kind what the directory should be, for the message, e.g. "a classifier directory written by knowhow tune --task classify"
     */
    public static JsonNode readJson(Path file, String kind) {
        try {
            return JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + " (is this " + kind + "?): " + e.getMessage(), e);
        }
    }

    /**
     * Reads an artifact's config and checks its header: format name, version and base encoder.
     *
     * @param what    the artifact, for messages, e.g. "classifier"
     * @param command how such a directory is made, for messages, e.g. "knowhow tune --task classify"
     */
    public static JsonNode readConfig(Path file, String format, int version, String what, String command) {
        JsonNode config = readJson(file, "a " + what + " directory written by " + command);
        if (!format.equals(config.path("format").asText()))
            throw new IllegalArgumentException(file + " is not a knowhow " + what + " (format '" + config.path("format").asText()
                    + "', expected '" + format + "')");
        if (config.path("version").asInt() != version)
            throw new IllegalArgumentException(file + " has version " + config.path("version").asInt() + ", this knowhow reads " + version);
        if (config.has("base") && !BundledEncoder.NAME.equals(config.path("base").asText()))
            throw new IllegalArgumentException(file + " was trained on base '" + config.path("base").asText() + "'; only "
                    + BundledEncoder.NAME + " is available");
        return config;
    }

    /** The LoRA adapter described by {@code config.lora} (rank, alpha, targets) with its weights from {@code adapterFile}. */
    public static EncoderLora readLora(JsonNode config, EncoderConfig encoder, Path adapterFile, ai.djl.ndarray.NDManager manager) {
        JsonNode l = config.path("lora");
        List<String> targets = new ArrayList<>();
        l.path("targets").forEach(t -> targets.add(t.asText()));
        return EncoderLora.of(encoder, l.path("rank").asInt(), l.path("alpha").asDouble(), targets, floats(adapterFile), manager);
    }

    /** Every tensor of a safetensors file as flat f32 values. */
    public static Map<String, float[]> floats(Path file) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String name : f.tensors().keySet()) out.put(name, f.floats(name));
        }
        return out;
    }

    /** Every tensor of a safetensors file with its shape. */
    public static Map<String, OnnxGraph.Tensor> tensors(Path file) {
        Map<String, OnnxGraph.Tensor> out = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (var e : f.tensors().entrySet()) out.put(e.getKey(), new OnnxGraph.Tensor(e.getKey(), e.getValue().shape(), f.floats(e.getKey())));
        }
        return out;
    }
}
