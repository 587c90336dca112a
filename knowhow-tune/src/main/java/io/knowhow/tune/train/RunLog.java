package io.knowhow.tune.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The run log: one JSON object per line, flushed as written, so a crashed or interrupted run leaves a
 * readable curve.
 * <pre>
 * {"type":"step","step":12,"epoch":1,"loss":1.234,"lr":0.0002,"grad_norm":0.8,"tokens_per_s":118.5,"elapsed_s":61.2}
 * {"type":"eval","step":40,"epoch":1,"val_loss":1.1,"elapsed_s":205.0}
 * </pre>
 * {@code step} counts optimizer steps from 1, {@code epoch} from 1. On resume the log is cut back to the
 * checkpoint's step and continued, so it reads as one run.
 */
public final class RunLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final BufferedWriter out;

    private RunLog(Path file, BufferedWriter out) {
        this.file = file;
        this.out = out;
    }

    /**
     * Opens the log at {@code file}: a new, empty one when {@code keepThroughStep} is negative, else the
     * existing log cut after the last line of step {@code keepThroughStep}.
     */
    public static RunLog open(Path file, int keepThroughStep) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            List<String> kept = new ArrayList<>();
            if (keepThroughStep >= 0 && Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) continue;
                    JsonNode n;
                    try {
                        n = JSON.readTree(line);
                    } catch (IOException e) {
                        break; // a line torn by a crash ends the usable log
                    }
                    if (n.path("step").asInt(Integer.MAX_VALUE) > keepThroughStep) break;
                    kept.add(line);
                }
            }
            Files.write(file, kept, StandardCharsets.UTF_8);
            BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            return new RunLog(file, w);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write run log " + file + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    /** Logs one optimizer step. */
    public void step(int step, int epoch, double loss, double lr, double gradNorm, double tokensPerSecond, double elapsedSeconds) {
        ObjectNode n = JSON.createObjectNode().put("type", "step").put("step", step).put("epoch", epoch).put("loss", loss)
                .put("lr", lr).put("grad_norm", gradNorm).put("tokens_per_s", round(tokensPerSecond)).put("elapsed_s", round(elapsedSeconds));
        write(n);
    }

    /** Logs one validation pass. */
    public void eval(int step, int epoch, double validationLoss, double elapsedSeconds) {
        write(JSON.createObjectNode().put("type", "eval").put("step", step).put("epoch", epoch).put("val_loss", validationLoss)
                .put("elapsed_s", round(elapsedSeconds)));
    }

    /** Logs the general set's loss before training (step 0): the base model's, for measuring forgetting. */
    public void forgettingBefore(String generalSet, double loss) {
        write(JSON.createObjectNode().put("type", "forgetting").put("step", 0).put("metric", "general_loss").put("general_set", generalSet)
                .put("before", loss));
    }

    /** Logs the general set's loss with the artifact written at {@code step}; the last such line describes the delivered model. */
    public void forgettingAfter(int step, String generalSet, double loss) {
        write(JSON.createObjectNode().put("type", "forgetting").put("step", step).put("metric", "general_loss").put("general_set", generalSet)
                .put("after", loss));
    }

    /** Every line of a log file, parsed. */
    public static List<JsonNode> read(Path file) {
        try {
            List<JsonNode> out = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) if (!line.isBlank()) out.add(JSON.readTree(line));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read run log " + file + ": " + e.getMessage(), e);
        }
    }

    private void write(ObjectNode n) {
        try {
            out.write(n.toString());
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write run log " + file + ": " + e.getMessage(), e);
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot close run log " + file + ": " + e.getMessage(), e);
        }
    }
}
