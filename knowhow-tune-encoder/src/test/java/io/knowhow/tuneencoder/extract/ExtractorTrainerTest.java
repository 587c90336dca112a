package io.knowhow.tuneencoder.extract;

import com.fasterxml.jackson.databind.JsonNode;
import io.knowhow.tune.TuneListener;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Training on a tiny synthetic set: the loss falls, the set is learned exactly, the artifact round-trips. */
class ExtractorTrainerTest {
    static final List<String> SLOTS = List.of("people", "time");
    static final List<SlotExample> DATA = List.of(
            example("table for 4 people at 7pm", "4", "7pm"),
            example("a table for 2 at 8pm please", "2", "8pm"),
            example("we are 6 people, arriving at 6:30", "6", "6:30"),
            example("book 3 seats for 9pm", "3", "9pm"),
            example("dinner for 5 at noon", "5", "noon"),
            example("can I get a table for 8 people", "8", null),
            example("at 7pm for 2 people", "2", "7pm"),
            example("just me at 1pm", null, "1pm"),
            example("hello there", null, null),
            example("reserve for 10 people at 5pm", "10", "5pm"),
            example("is 7:45 free for 3", "3", "7:45"),
            example("we need a table tonight", null, null));

    static Map<String, OnnxGraph.Tensor> base;

    @TempDir
    Path dir;

    @BeforeAll
    static void readBase() {
        base = BundledEncoder.tensors();
    }

    /** An example with the first occurrence of each value as its span (none when null). */
    static SlotExample example(String text, String people, String time) {
        List<SlotExample.Span> spans = new ArrayList<>();
        if (people != null) spans.add(span(text, "people", people));
        if (time != null) spans.add(span(text, "time", time));
        return new SlotExample(text, spans);
    }

    private static SlotExample.Span span(String text, String slot, String value) {
        // Word-bounded search so that "2" does not match inside "12" and the like.
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b" + java.util.regex.Pattern.quote(value) + "\\b").matcher(text);
        if (!m.find()) throw new IllegalArgumentException(value + " not in " + text);
        return new SlotExample.Span(slot, m.start(), m.end());
    }

    @Test
    void frozenHeadLearnsTheSyntheticSetExactly() throws Exception {
        EncoderTuneOptions o = EncoderTuneOptions.defaults(EncoderTuneOptions.Mode.FROZEN, dir).withBatchSize(4).withEpochs(40);
        ExtractResult r = ExtractorTrainer.train(base, DATA, SLOTS, o, false, TuneListener.NONE, () -> false);
        try (Extractor x = r.extractor().orElseThrow()) {
            assertLossFalls(r.runLog());
            assertThat(x.extract("table for 4 people at 7pm")).containsExactly(Map.entry("people", "4"), Map.entry("time", "7pm"));
            List<Map<String, String>> all = x.extractAll(DATA.stream().map(SlotExample::text).toList());
            for (int i = 0; i < DATA.size(); i++) assertThat(all.get(i)).as(DATA.get(i).text()).isEqualTo(SlotScores.gold(DATA.get(i)));
        }
    }

    @Test
    void loraArtifactRoundTripsWithIdenticalOutput() throws Exception {
        EncoderTuneOptions o = EncoderTuneOptions.defaults(EncoderTuneOptions.Mode.LORA, dir).withBatchSize(4).withEpochs(8);
        ExtractResult r = ExtractorTrainer.train(base, DATA, SLOTS, o, false, TuneListener.NONE, () -> false);
        List<String> probes = List.of("table for 4 people at 7pm", "a table for 12 people at 9:15pm", "nothing to see");
        List<Map<String, String>> before;
        try (Extractor x = r.extractor().orElseThrow()) {
            assertLossFalls(r.runLog());
            before = x.extractAll(probes);
        }
        assertThat(dir.resolve(Extractor.ADAPTER)).exists();
        JsonNode config = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(dir.resolve(Extractor.CONFIG)));
        assertThat(config.path("slots").toString()).isEqualTo("[\"people\",\"time\"]");
        try (Extractor loaded = Extractor.load(dir)) {
            assertThat(loaded.mode()).isEqualTo(EncoderTuneOptions.Mode.LORA);
            assertThat(loaded.slots()).isEqualTo(SLOTS);
            assertThat(loaded.extractAll(probes)).isEqualTo(before);
        }
    }

    @Test
    void slotOutsideTheSchemaNamesTheEntry() {
        SlotExample bad = new SlotExample("at 7pm", List.of(new SlotExample.Span("hour", 3, 6)), 7);
        EncoderTuneOptions o = EncoderTuneOptions.defaults(EncoderTuneOptions.Mode.FROZEN, dir).withEpochs(1);
        assertThatThrownBy(() -> ExtractorTrainer.train(base, List.of(bad), SLOTS, o, false, TuneListener.NONE, () -> false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entry 7").hasMessageContaining("'hour'");
    }

    /** The mean loss of the last fifth of steps is under half that of the first fifth. */
    static void assertLossFalls(Path runLog) {
        List<JsonNode> steps = RunLog.read(runLog).stream().filter(n -> n.path("type").asText().equals("step")).toList();
        int k = Math.max(1, steps.size() / 5);
        double first = steps.subList(0, k).stream().mapToDouble(n -> n.path("loss").asDouble()).average().orElseThrow();
        double last = steps.subList(steps.size() - k, steps.size()).stream().mapToDouble(n -> n.path("loss").asDouble()).average().orElseThrow();
        assertThat(last).as("mean loss of the last fifth vs the first fifth").isLessThan(first * 0.5);
    }
}
