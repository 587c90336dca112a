package io.knowhow.tune.train;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.tune.safetensors.DType;
import io.knowhow.tune.safetensors.SafetensorsFile;
import io.knowhow.tune.safetensors.SafetensorsWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A training checkpoint on disk: everything needed to continue a run exactly where it stopped.
 * <pre>
 * checkpoints/step-000120/
 *   trainable.safetensors   the trained arrays (f32) under their own names (PEFT names for LoRA)
 *   optimizer.safetensors   AdamW moments: NAME.exp_avg, NAME.exp_avg_sq (f32)
 *   trainer_state.json      {"format":"knowhow-tune-checkpoint","version":1,"step":120,...caller's fields}
 * </pre>
 * A checkpoint is written into {@code step-N.tmp} and renamed when complete, so a directory named
 * {@code step-N} is always whole. Older checkpoints beyond the number to keep are deleted.
 *
 * @param dir   the checkpoint directory
 * @param step  optimizer steps completed when it was written
 * @param state the parsed trainer_state.json
 */
public record Checkpoint(Path dir, int step, ObjectNode state) {
    public static final String FORMAT = "knowhow-tune-checkpoint";
    public static final int VERSION = 1;
    static final String TRAINABLE = "trainable.safetensors";
    static final String OPTIMIZER = "optimizer.safetensors";
    static final String STATE = "trainer_state.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Writes a checkpoint of step {@code step} under {@code checkpointsDir} and keeps only the newest
     * {@code keep}.
     *
     * @param state fields for trainer_state.json; format, version and step are added
     */
    public static Checkpoint write(Path checkpointsDir, int step, Map<String, NDArray> trainable, Map<String, NDArray> optimizer,
                                   ObjectNode state, int keep) {
        Path dir = checkpointsDir.resolve(String.format("step-%06d", step));
        Path tmp = checkpointsDir.resolve(dir.getFileName() + ".tmp");
        try {
            deleteTree(tmp);
            Files.createDirectories(tmp);
            SafetensorsWriter.write(tmp.resolve(TRAINABLE), entries(trainable), Map.of("format", "pt"));
            SafetensorsWriter.write(tmp.resolve(OPTIMIZER), entries(optimizer), Map.of("format", "pt"));
            ObjectNode s = JSON.createObjectNode().put("format", FORMAT).put("version", VERSION).put("step", step);
            s.setAll(state);
            Files.writeString(tmp.resolve(STATE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(s));
            deleteTree(dir);
            Files.move(tmp, dir);
            List<Checkpoint> all = list(checkpointsDir);
            for (int i = 0; i < all.size() - keep; i++) deleteTree(all.get(i).dir());
            return new Checkpoint(dir, step, s);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write checkpoint " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The newest complete checkpoint under {@code checkpointsDir}, if any. */
    public static Optional<Checkpoint> latest(Path checkpointsDir) {
        List<Checkpoint> all = list(checkpointsDir);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.getLast());
    }

    /** Complete checkpoints, oldest first. */
    public static List<Checkpoint> list(Path checkpointsDir) {
        if (!Files.isDirectory(checkpointsDir)) return List.of();
        List<Checkpoint> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(checkpointsDir)) {
            for (Path d : dirs.filter(p -> p.getFileName().toString().matches("step-\\d+")).toList()) {
                Path state = d.resolve(STATE);
                if (!Files.isRegularFile(state)) continue;
                ObjectNode s = (ObjectNode) JSON.readTree(Files.readString(state));
                if (!FORMAT.equals(s.path("format").asText()))
                    throw new IllegalStateException(state + " is not a knowhow checkpoint (format '" + s.path("format").asText() + "')");
                if (s.path("version").asInt() != VERSION)
                    throw new IllegalStateException(state + " has checkpoint version " + s.path("version").asInt()
                            + ", this knowhow reads version " + VERSION);
                out.add(new Checkpoint(d, s.path("step").asInt(), s));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read checkpoints in " + checkpointsDir + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparingInt(Checkpoint::step));
        return out;
    }

    /** The trained arrays' values, by name. */
    public Map<String, float[]> trainable() {
        return read(dir.resolve(TRAINABLE));
    }

    /** The optimizer state's values, by name. */
    public Map<String, float[]> optimizer() {
        return read(dir.resolve(OPTIMIZER));
    }

    private static Map<String, float[]> read(Path file) {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            Map<String, float[]> out = new LinkedHashMap<>();
            for (String name : f.tensors().keySet()) out.put(name, f.floats(name));
            return out;
        }
    }

    private static List<SafetensorsWriter.Entry> entries(Map<String, NDArray> arrays) {
        List<SafetensorsWriter.Entry> out = new ArrayList<>();
        arrays.forEach((name, a) -> out.add(new SafetensorsWriter.Entry(name, DType.F32, a.getShape().getShape(), a::toByteBuffer)));
        return out;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
