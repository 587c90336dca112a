package io.knowhow.tuneencoder.classify;

import com.fasterxml.jackson.databind.JsonNode;
import io.knowhow.tune.TuneListener;
import io.knowhow.tune.TuneProgress;
import io.knowhow.tune.safetensors.SafetensorsFile;
import io.knowhow.tune.train.RunLog;
import io.knowhow.tuneencoder.model.BundledEncoder;
import io.knowhow.tuneencoder.onnx.OnnxGraph;
import io.knowhow.tuneencoder.train.EncoderTuneOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Training on a tiny synthetic set in every mode: the loss falls, the artifact round-trips, resuming continues exactly. */
class ClassifierTrainerTest {
    static final List<LabeledText> DATA = List.of(
            new LabeledText("It is raining heavily today", "weather"),
            new LabeledText("Sunny skies and warm temperatures", "weather"),
            new LabeledText("A storm is coming tonight", "weather"),
            new LabeledText("Expect snow over the weekend", "weather"),
            new LabeledText("I would like a pizza with cheese", "food"),
            new LabeledText("This pasta tastes delicious", "food"),
            new LabeledText("Let's order sushi for dinner", "food"),
            new LabeledText("The soup is too salty", "food"),
            new LabeledText("The team won the football match", "sport"),
            new LabeledText("She ran a marathon in three hours", "sport"),
            new LabeledText("The tennis final went to five sets", "sport"),
            new LabeledText("He scored a goal in the last minute", "sport"));
    static final List<String> PROBES = List.of("Heavy rain and wind expected", "A burger with fries please", "The basketball game was close");

    static Map<String, OnnxGraph.Tensor> base;

    @TempDir
    Path dir;

    @BeforeAll
    static void readBase() {
        base = BundledEncoder.tensors();
    }

    @Test
    void frozenHeadLearnsTheSyntheticSet() {
        EncoderTuneOptions o = EncoderTuneOptions.defaults(EncoderTuneOptions.Mode.FROZEN, dir).withBatchSize(4).withEpochs(20);
        ClassifyResult r = ClassifierTrainer.train(base, DATA, o, false, TuneListener.NONE, () -> false);
        try (Classifier c = r.classifier().orElseThrow()) {
            assertLossFalls(r.runLog());
            assertThat(c.classifyAll(PROBES).stream().map(Prediction::label).toList()).containsExactly("weather", "food", "sport");
        }
    }

    @Test
    void labelSmoothingStopsTheHeadShortOfCertainty() {
        // With ε spread over 3 labels the loss is least where the right label gets 1 − ε + ε/3 (0.8 at ε = 0.3), not 1:
        // the head learns the same answers with less confidence, which is what keeps a fine-tune from overfitting.
        List<Double> plain = confidences(EncoderTuneOptions.defaults(EncoderTuneOptions.Mode.FROZEN, dir.resolve("plain")).withLabelSmoothing(0));
        List<Double> smoothed = confidences(EncoderTuneOptions.defaults(EncoderTuneOptions.Mode.FROZEN, dir.resolve("smoothed")).withLabelSmoothing(0.3));
        assertThat(smoothed).allSatisfy(p -> assertThat(p).isLessThan(0.81));
        assertThat(plain.stream().mapToDouble(Double::doubleValue).average().orElseThrow())
                .isGreaterThan(smoothed.stream().mapToDouble(Double::doubleValue).average().orElseThrow() + 0.05);
    }

    /** The confidence in each training text's own label after a long frozen-head run; fails when a label is wrong. */
    private static List<Double> confidences(EncoderTuneOptions options) {
        ClassifyResult r = ClassifierTrainer.train(base, DATA, options.withBatchSize(4).withEpochs(60), false, TuneListener.NONE, () -> false);
        try (Classifier c = r.classifier().orElseThrow()) {
            List<Prediction> predictions = c.classifyAll(DATA.stream().map(LabeledText::text).toList());
            List<Double> result = new ArrayList<>();
            for (int i = 0; i < DATA.size(); i++) {
                assertThat(predictions.get(i).label()).as(DATA.get(i).text()).isEqualTo(DATA.get(i).label());
                result.add(predictions.get(i).confidence());
            }
            return result;
        }
    }

    @Test
    void labelSmoothingOutsideZeroToOneIsRefused() {
        EncoderTuneOptions o = EncoderTuneOptions.defaults(EncoderTuneOptions.Mode.FULL, dir);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> o.withLabelSmoothing(1.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("label smoothing must be in [0, 1), got 1.0");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> o.withLabelSmoothing(-0.1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void loraRoundTripGivesIdenticalProbabilities() {
        EncoderTuneOptions o = EncoderTuneOptions.defaults(EncoderTuneOptions.Mode.LORA, dir).withBatchSize(4).withEpochs(4)
                .withLearningRates(5e-3, 2e-2).withMaxLength(16);
        List<TuneProgress> steps = new ArrayList<>();
        ClassifyResult r = ClassifierTrainer.train(base, DATA, o, false, new TuneListener() {
            @Override
            public void onStep(TuneProgress p) {
                steps.add(p);
            }
        }, () -> false);
        assertThat(steps).hasSize(12);
        assertThat(Files.exists(dir.resolve(Classifier.ADAPTER))).isTrue();
        assertThat(Files.exists(dir.resolve(Classifier.ENCODER))).isFalse();
        try (SafetensorsFile adapter = SafetensorsFile.open(dir.resolve(Classifier.ADAPTER))) {
            assertThat(adapter.tensors()).hasSize(6 * 4 * 2);
            float[] b = adapter.floats("encoder.layer.0.attention.self.query.lora_B.weight");
            assertThat(maxAbs(b)).as("B starts at zero and must have been trained").isGreaterThan(0f);
        }
        try (Classifier trained = r.classifier().orElseThrow(); Classifier loaded = Classifier.load(dir)) {
            assertLossFalls(r.runLog());
            assertThat(loaded.labels()).containsExactly("food", "sport", "weather");
            for (String probe : PROBES)
                assertThat(loaded.classify(probe).probabilities()).isEqualTo(trained.classify(probe).probabilities());
        }
    }

    @Test
    void fullFineTuneRoundTripsAndChangesTheEncoder() {
        EncoderTuneOptions o = EncoderTuneOptions.defaults(EncoderTuneOptions.Mode.FULL, dir).withBatchSize(6).withEpochs(2)
                .withLearningRates(1e-4, 2e-2).withMaxLength(16);
        ClassifyResult r = ClassifierTrainer.train(base, DATA, o, false, TuneListener.NONE, () -> false);
        try (Classifier trained = r.classifier().orElseThrow(); Classifier loaded = Classifier.load(dir)) {
            try (SafetensorsFile encoder = SafetensorsFile.open(dir.resolve(Classifier.ENCODER))) {
                // Every tensor of every transformer layer (attention, feed-forward, layer norms) must have moved.
                java.util.SortedSet<Integer> layers = new java.util.TreeSet<>();
                List<String> unchanged = new ArrayList<>();
                for (String name : encoder.tensors().keySet()) {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("encoder\\.layer\\.(\\d+)\\.").matcher(name);
                    if (!m.lookingAt()) continue;
                    layers.add(Integer.parseInt(m.group(1)));
                    float[] tuned = encoder.floats(name), original = base.get(name).values();
                    float diff = 0;
                    for (int i = 0; i < tuned.length; i++) diff = Math.max(diff, Math.abs(tuned[i] - original[i]));
                    if (!(diff > 0f)) unchanged.add(name);
                }
                assertThat(layers).as("layers in the tuned encoder").containsExactly(0, 1, 2, 3, 4, 5);
                assertThat(unchanged).as("layer tensors full fine-tuning left unchanged").isEmpty();
            }
            Prediction a = trained.classify(PROBES.get(0)), b = loaded.classify(PROBES.get(0));
            assertThat(b.probabilities()).isEqualTo(a.probabilities());
        }
    }

    @Test
    void resumedRunEndsWhereAnUninterruptedOneDoes() {
        EncoderTuneOptions whole = EncoderTuneOptions.defaults(EncoderTuneOptions.Mode.LORA, dir.resolve("whole")).withBatchSize(4).withEpochs(2)
                .withLearningRates(5e-3, 2e-2).withMaxLength(16);
        List<Double> expected = new ArrayList<>();
        try (Classifier c = ClassifierTrainer.train(base, DATA, whole, false, TuneListener.NONE, () -> false).classifier().orElseThrow()) {
            c.classify(PROBES.get(1)).probabilities().values().forEach(expected::add);
        }
        EncoderTuneOptions split = EncoderTuneOptions.defaults(EncoderTuneOptions.Mode.LORA, dir.resolve("split")).withBatchSize(4).withEpochs(2)
                .withLearningRates(5e-3, 2e-2).withMaxLength(16);
        AtomicInteger polls = new AtomicInteger();
        ClassifyResult first = ClassifierTrainer.train(base, DATA, split, false, TuneListener.NONE, () -> polls.incrementAndGet() == 4);
        assertThat(first.interrupted()).isTrue();
        assertThat(first.steps()).isEqualTo(4);
        ClassifyResult second = ClassifierTrainer.train(base, DATA, split, true, TuneListener.NONE, () -> false);
        assertThat(second.startStep()).isEqualTo(4);
        assertThat(second.steps()).isEqualTo(6);
        try (Classifier c = second.classifier().orElseThrow()) {
            List<Double> actual = new ArrayList<>(c.classify(PROBES.get(1)).probabilities().values());
            assertThat(actual).hasSameSizeAs(expected);
            for (int i = 0; i < actual.size(); i++) assertThat(actual.get(i)).isCloseTo(expected.get(i), org.assertj.core.data.Offset.offset(1e-5));
        }
        List<JsonNode> log = RunLog.read(second.runLog());
        assertThat(log.stream().map(n -> n.path("step").asInt()).toList()).containsExactly(1, 2, 3, 4, 5, 6);
    }

    static float maxAbs(float[] v) {
        float m = 0;
        for (float x : v) m = Math.max(m, Math.abs(x));
        return m;
    }

    /** The mean loss of the last quarter of steps is below that of the first quarter. */
    static void assertLossFalls(Path runLog) {
        List<Double> losses = RunLog.read(runLog).stream().filter(n -> n.path("type").asText().equals("step"))
                .map(n -> n.path("loss").asDouble()).toList();
        int q = Math.max(1, losses.size() / 4);
        double first = losses.subList(0, q).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = losses.subList(losses.size() - q, losses.size()).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertThat(last).as("losses %s", losses).isLessThan(first * 0.7);
    }
}
