package io.knowhow.tune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.knowhow.core.model.GenerationRequest;
import io.knowhow.tune.generate.GenerationOptions;
import io.knowhow.tune.generate.LocalGenerator;
import io.knowhow.tune.train.RunLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end runs on a tiny random model: training teaches it an exact output format it could not
 * produce before, for LoRA and full fine-tuning, and the artifacts load back.
 */
class TunerTest {
    @TempDir
    Path tmp;

    static final Map<String, String> INTENTS = Map.of(
            "I want my money back", "{\"intent\":\"refund\"}",
            "Where is my parcel?", "{\"intent\":\"shipping\"}",
            "Please return the cash for this order", "{\"intent\":\"refund\"}",
            "When will the package arrive", "{\"intent\":\"shipping\"}");

    static Path writeIntentData(Path file) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        INTENTS.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> lines.add(json.createObjectNode().put("input", e.getKey()).put("output", e.getValue()).toString()));
        Files.write(file, lines);
        return file;
    }

    static String answer(LocalGenerator g, String question) {
        return g.generate(new GenerationRequest(question, List.of())).text();
    }

    @Test
    void loraLearnsAnExactOutputFormatTheBaseModelCouldNotProduce() throws Exception {
        Path base = tmp.resolve("base");
        TestModels.write(base, TestModels.Spec.llama().size(64, 128, 2, 4, 2));
        Path data = writeIntentData(tmp.resolve("data.jsonl"));
        GenerationOptions greedy = GenerationOptions.DEFAULTS.withMaxNewTokens(24);
        try (LocalGenerator before = LocalGenerator.open(base, Optional.empty(), greedy)) {
            for (var e : INTENTS.entrySet()) assertThat(answer(before, e.getKey())).isNotEqualTo(e.getValue());
        }
        TuneOptions options = TuneOptions.builder(tmp.resolve("out")).rank(8).alpha(16).dropout(0)
                .targetModules(List.of("q", "k", "v", "o", "gate", "up", "down")).epochs(60).learningRate(1e-2).batchSize(4)
                .warmupRatio(0.05).valFraction(0).checkpointEvery(0).seed(1).maxSeqLen(128).build();
        List<TuneProgress> steps = new ArrayList<>();
        TuneResult result = new Tuner().run(base, data, options, new TuneListener() {
            @Override
            public void onStep(TuneProgress p) {
                steps.add(p);
            }
        });
        assertThat(result.interrupted()).isFalse();
        assertThat(result.stepsCompleted()).isEqualTo(result.totalSteps()).isEqualTo(60);
        assertThat(result.finalLoss()).isLessThan(steps.getFirst().loss() / 10);
        try (LocalGenerator tuned = LocalGenerator.open(base, Optional.of(result.artifact().orElseThrow()), greedy)) {
            for (var e : INTENTS.entrySet()) assertThat(answer(tuned, e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
        }
        List<JsonNode> log = RunLog.read(result.runLog());
        assertThat(log).hasSize(60);
        assertThat(log.getFirst().fieldNames()).toIterable().contains("step", "epoch", "loss", "lr", "tokens_per_s", "elapsed_s");
    }

    @Test
    void fullFineTuningLearnsAnExactOutputFormatTheBaseModelCouldNotProduce() throws Exception {
        Path base = tmp.resolve("base");
        TestModels.write(base, TestModels.Spec.qwen2().size(64, 128, 2, 4, 2));
        Path data = writeIntentData(tmp.resolve("data.jsonl"));
        GenerationOptions greedy = GenerationOptions.DEFAULTS.withMaxNewTokens(24);
        try (LocalGenerator before = LocalGenerator.open(base, Optional.empty(), greedy)) {
            for (var e : INTENTS.entrySet()) assertThat(answer(before, e.getKey())).isNotEqualTo(e.getValue());
        }
        TuneOptions options = TuneOptions.builder(tmp.resolve("out")).method(TuneOptions.Method.FULL).epochs(40).learningRate(5e-3)
                .batchSize(2).gradAccumulation(2).valFraction(0).checkpointEvery(0).maxSeqLen(128).build();
        TuneResult result = new Tuner().run(base, data, options, TuneListener.NONE);
        assertThat(result.stepsCompleted()).isEqualTo(40);
        Path model = result.artifact().orElseThrow();
        assertThat(model.resolve("model.safetensors")).exists();
        assertThat(model.resolve("tokenizer.json")).exists();
        try (LocalGenerator tuned = LocalGenerator.open(model, Optional.empty(), greedy)) {
            for (var e : INTENTS.entrySet()) assertThat(answer(tuned, e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
        }
    }
}
