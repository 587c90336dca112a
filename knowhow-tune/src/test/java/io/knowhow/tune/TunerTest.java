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
        List<JsonNode> stepLines = log.stream().filter(n -> n.path("type").asText().equals("step")).toList();
        assertThat(stepLines).hasSize(60);
        assertThat(stepLines.getFirst().fieldNames()).toIterable().contains("step", "epoch", "loss", "lr", "tokens_per_s", "elapsed_s");
        // Forgetting, on the bundled everyday questions: a model drilled to answer everything with JSON finds plain answers
        // less likely than the base did.
        List<JsonNode> forgetting = log.stream().filter(n -> n.path("type").asText().equals("forgetting")).toList();
        assertThat(forgetting).hasSize(2);
        assertThat(forgetting.getFirst().path("step").asInt()).isZero();
        assertThat(forgetting.getFirst().path("general_set").asText()).isEqualTo(Tuner.GENERAL_SET);
        double before = forgetting.getFirst().path("before").asDouble(), after = forgetting.getLast().path("after").asDouble();
        assertThat(before).isPositive();
        assertThat(after).as("general-set loss after drilling one format").isGreaterThan(before);
    }

    @Test
    void forgettingIsMeasuredOnTheGivenGeneralSetWithTheDeliveredArtifact() throws Exception {
        Path base = tmp.resolve("base");
        TestModels.write(base, TestModels.Spec.llama().size(64, 128, 2, 4, 2));
        Path data = writeIntentData(tmp.resolve("data.jsonl"));
        // The task's own examples as the "general" set: training must make them more likely, so the loss falls. With the
        // bundled set it rises (above): the measurement moves both ways, as the data says.
        TuneOptions options = TuneOptions.builder(tmp.resolve("out")).rank(8).alpha(16).dropout(0).epochs(20).learningRate(1e-2)
                .batchSize(4).valFraction(0).checkpointEvery(0).seed(1).maxSeqLen(128).build();
        TuneResult result = new Tuner().run(base, data, Optional.of(data), options, TuneListener.NONE);
        List<JsonNode> forgetting = RunLog.read(result.runLog()).stream().filter(n -> n.path("type").asText().equals("forgetting")).toList();
        assertThat(forgetting).hasSize(2);
        assertThat(forgetting.getFirst().path("general_set").asText()).isEqualTo(data.toString());
        assertThat(forgetting.getLast().path("step").asInt()).isEqualTo(result.stepsCompleted());
        assertThat(forgetting.getLast().path("after").asDouble()).isLessThan(forgetting.getFirst().path("before").asDouble() / 2);
    }

    @Test
    void aBadGeneralSetIsNamedBeforeTrainingStarts() throws Exception {
        Path base = tmp.resolve("base");
        TestModels.write(base, TestModels.Spec.llama().size(64, 128, 2, 4, 2));
        Path data = writeIntentData(tmp.resolve("data.jsonl"));
        Path general = Files.writeString(tmp.resolve("general.jsonl"), "{\"input\": \"hi\", \"output\": \"hello\"}\nnot json\n");
        TuneOptions options = TuneOptions.builder(tmp.resolve("out")).epochs(1).valFraction(0).checkpointEvery(0).maxSeqLen(128).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Tuner().run(base, data, Optional.of(general), options, TuneListener.NONE))
                .isInstanceOf(io.knowhow.tune.data.TrainingDataException.class)
                .hasMessageStartingWith("the general set (--general-set) is unusable: ")
                .hasMessageContaining(general + " line 2");
        assertThat(tmp.resolve("out")).doesNotExist();
        Path missing = tmp.resolve("no-such-general.jsonl");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Tuner().run(base, data, Optional.of(missing), options, TuneListener.NONE))
                .hasMessageContaining("--general-set").hasMessageContaining(missing.toString());
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
