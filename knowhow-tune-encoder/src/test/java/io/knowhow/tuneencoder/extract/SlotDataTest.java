package io.knowhow.tuneencoder.extract;

import io.knowhow.core.testing.SharedData;
import io.knowhow.tuneencoder.model.BundledEncoder;
import io.knowhow.tuneencoder.model.EncoderTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading the Restaurant-8k layout, its errors, and BIO tags that round-trip to the gold values. */
class SlotDataTest {
    @TempDir
    Path dir;

    @Test
    void readsEntriesWithAndWithoutLabels() throws Exception {
        Path f = dir.resolve("d.json");
        Files.writeString(f, """
                [
                  {"userInput": {"text": "4 people at 7pm"}, "context": {"requestedSlots": ["people"]},
                   "labels": [{"slot": "people", "valueSpan": {"endIndex": 1}},
                              {"slot": "time", "valueSpan": {"startIndex": 12, "endIndex": 15}}]},
                  {"userInput": {"text": "hello"}}
                ]
                """);
        List<SlotExample> data = SlotData.read(f);
        assertThat(data).hasSize(2);
        SlotExample first = data.getFirst();
        assertThat(first.spans()).containsExactly(new SlotExample.Span("people", 0, 1), new SlotExample.Span("time", 12, 15));
        assertThat(SlotScores.gold(first)).containsExactly(Map.entry("people", "4"), Map.entry("time", "7pm"));
        assertThat(data.get(1).spans()).isEmpty();
        assertThat(data.get(1).entry()).isEqualTo(2);
    }

    @Test
    void errorsNameTheFileEntryAndLine() throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, """
                [
                  {"userInput": {"text": "fine"}},
                  {"userInput": {"text": "abc"},
                   "labels": [{"slot": "time", "valueSpan": {"startIndex": 1, "endIndex": 9}}]}
                ]
                """);
        assertThatThrownBy(() -> SlotData.read(f)).isInstanceOf(SlotDataException.class)
                .hasMessageContaining("bad.json: entry 2 (line 3)").hasMessageContaining("labels[0] (time) span [1, 9)");

        Path g = dir.resolve("notext.json");
        Files.writeString(g, "[{\"userInput\": {}}]");
        assertThatThrownBy(() -> SlotData.read(g)).isInstanceOf(SlotDataException.class)
                .hasMessageContaining("entry 1 (line 1)").hasMessageContaining("userInput.text");

        Path h = dir.resolve("obj.json");
        Files.writeString(h, "{\"userInput\": {\"text\": \"x\"}}");
        assertThatThrownBy(() -> SlotData.read(h)).isInstanceOf(SlotDataException.class).hasMessageContaining("expected a JSON array");

        Path i = dir.resolve("slotless.json");
        Files.writeString(i, "[\n{\"userInput\": {\"text\": \"x\"}, \"labels\": [{\"valueSpan\": {\"endIndex\": 1}}]}]");
        assertThatThrownBy(() -> SlotData.read(i)).isInstanceOf(SlotDataException.class)
                .hasMessageContaining("entry 1 (line 2)").hasMessageContaining("no \"slot\"");
    }

    @Test
    void unknownSlotIsRejectedNamingTheEntry() throws Exception {
        Path f = dir.resolve("d.json");
        Files.writeString(f, "[{\"userInput\": {\"text\": \"at noon\"}},\n {\"userInput\": {\"text\": \"at noon\"}, "
                + "\"labels\": [{\"slot\": \"hour\", \"valueSpan\": {\"startIndex\": 3, \"endIndex\": 7}}]}]");
        SlotExample e = SlotData.read(f).get(1);
        try (EncoderTokenizer tokenizer = BundledEncoder.tokenizer(64)) {
            BioTags tags = new BioTags(ExtractorTrainer.RESTAURANT_SLOTS);
            assertThatThrownBy(() -> tags.encode(e, tokenizer.tokens(e.text()))).hasMessageContaining("entry 2").hasMessageContaining("'hour'");
        }
    }

    @Test
    void tagsFollowWordPieceOffsets() {
        SlotExample e = new SlotExample("Table for 4 people at 7pm, name Smith",
                List.of(new SlotExample.Span("people", 10, 18), new SlotExample.Span("time", 22, 25), new SlotExample.Span("last_name", 32, 37)));
        BioTags tags = new BioTags(ExtractorTrainer.RESTAURANT_SLOTS);
        try (EncoderTokenizer tokenizer = BundledEncoder.tokenizer(64)) {
            EncoderTokenizer.Tokens t = tokenizer.tokens(e.text());
            int[] tagged = tags.encode(e, t);
            List<String> names = tags.names();
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < tagged.length; i++)
                s.append(tagged[i] == BioTags.IGNORE ? "-" : names.get(tagged[i])).append(' ');
            // "7pm" is two word pieces, 7 and ##pm: B then I.
            assertThat(s.toString().strip()).isEqualTo("- O O B-people I-people O B-time I-time O O B-last_name -");
            assertThat(tags.decode(e.text(), t, tagged))
                    .containsExactly(Map.entry("people", "4 people"), Map.entry("time", "7pm"), Map.entry("last_name", "Smith"));
        }
    }

    @Test
    void offsetsAreJavaCharIndicesAfterAnEmoji() {
        String text = "\uD83D\uDE00 café for 2 at 7pm";
        SlotExample e = new SlotExample(text, List.of(new SlotExample.Span("people", text.indexOf('2'), text.indexOf('2') + 1),
                new SlotExample.Span("time", text.indexOf("7pm"), text.length())));
        BioTags tags = new BioTags(ExtractorTrainer.RESTAURANT_SLOTS);
        try (EncoderTokenizer tokenizer = BundledEncoder.tokenizer(64)) {
            EncoderTokenizer.Tokens t = tokenizer.tokens(text);
            assertThat(tags.decode(text, t, tags.encode(e, t))).containsExactly(Map.entry("people", "2"), Map.entry("time", "7pm"));
        }
    }

    /** The real files, when the shared data folder is there: every entry reads, and gold tags decode to the gold values. */
    @Test
    void restaurant8kRoundTripsThroughTags() {
        Path folder = SharedData.require("restaurant8k/test.json").getParent();
        List<SlotExample> test = SlotData.read(folder.resolve("test.json"));
        assertThat(test).hasSize(3731);
        assertThat(SlotData.read(folder.resolve("train_8.json"))).hasSize(32);
        BioTags tags = new BioTags(ExtractorTrainer.RESTAURANT_SLOTS);
        int same = 0, total = 0;
        try (EncoderTokenizer tokenizer = BundledEncoder.tokenizer(64)) {
            for (SlotExample e : test) {
                EncoderTokenizer.Tokens t = tokenizer.tokens(e.text());
                Map<String, String> gold = SlotScores.gold(e);
                SlotScores one = new SlotScores(tags.slots());
                one.add(tags.decode(e.text(), t, tags.encode(e, t)), gold);
                for (String slot : gold.keySet()) {
                    total++;
                    if (one.counts(slot)[0] == 1) same++;
                }
            }
        }
        // Spans that cut a word piece or overlap another decode differently; they are rare.
        assertThat((double) same / total).isGreaterThan(0.98);
    }
}
