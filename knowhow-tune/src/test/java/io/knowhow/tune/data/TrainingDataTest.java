package io.knowhow.tune.data;

import io.knowhow.core.model.ChatMessage;
import io.knowhow.tune.TestModels;
import io.knowhow.tune.TestTokenizer;
import io.knowhow.tune.model.ChatTemplate;
import io.knowhow.tune.model.TextTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading, validating, encoding and splitting training data. */
class TrainingDataTest {
    @TempDir
    Path tmp;

    private Path write(String... lines) throws Exception {
        Path f = tmp.resolve("data.jsonl");
        Files.write(f, List.of(lines));
        return f;
    }

    @Test
    void readsChatAndInstructionFormatsSkippingBlankLines() throws Exception {
        List<TrainingExample> ex = TrainingData.read(write(
                "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello\"}]}",
                "",
                "{\"input\":\"2+2\",\"output\":\"4\",\"system\":\"Math.\"}",
                "{\"instruction\":\"Translate\",\"input\":\"chat\",\"output\":\"cat\"}"));
        assertThat(ex).hasSize(3);
        assertThat(ex.get(0).messages()).extracting(ChatMessage::role).containsExactly("system", "user", "assistant");
        assertThat(ex.get(1).line()).isEqualTo(3);
        assertThat(ex.get(1).messages()).containsExactly(ChatMessage.system("Math."), ChatMessage.user("2+2"), new ChatMessage("assistant", "4"));
        assertThat(ex.get(2).messages().get(0).content()).isEqualTo("Translate\n\nchat");
    }

    @Test
    void reportsEveryBadLineWithItsNumber() throws Exception {
        Path f = write(
                "{\"input\":\"a\",\"output\":\"b\"}",
                "not json",
                "[1, 2]",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"only a question\"}]}",
                "{\"messages\":[{\"role\":\"robot\",\"content\":\"x\"},{\"role\":\"assistant\",\"content\":\"y\"}]}",
                "{\"text\":\"what format is this\"}",
                "{\"input\":\"where is the output\"}",
                "{\"input\":\"a\",\"output\":7}");
        assertThatThrownBy(() -> TrainingData.read(f))
                .isInstanceOf(TrainingDataException.class)
                .hasMessageContaining("7 invalid lines")
                .hasMessageContaining("data.jsonl line 2: not valid JSON")
                .hasMessageContaining("data.jsonl line 3: expected a JSON object")
                .hasMessageContaining("data.jsonl line 4: no assistant message")
                .hasMessageContaining("data.jsonl line 5: messages[0]: role \"robot\"")
                .hasMessageContaining("data.jsonl line 6: expected \"messages\"")
                .hasMessageContaining("data.jsonl line 7: missing \"output\"")
                .hasMessageContaining("data.jsonl line 8: \"output\" must be a string")
                .satisfies(e -> assertThat(((TrainingDataException) e).problems()).hasSize(7));
    }

    @Test
    void missingAndEmptyFilesAreNamed() throws Exception {
        assertThatThrownBy(() -> TrainingData.read(tmp.resolve("nope.jsonl")))
                .isInstanceOf(TrainingDataException.class).hasMessageContaining("nope.jsonl").hasMessageContaining("not found");
        assertThatThrownBy(() -> TrainingData.read(write("", "  ")))
                .isInstanceOf(TrainingDataException.class).hasMessageContaining("no examples");
    }

    @Test
    void onlyTheAssistantsTokensAreTargetsAndLongExamplesAreTruncatedAndCounted() throws Exception {
        Path model = tmp.resolve("model");
        TestModels.write(model, TestModels.Spec.llama());
        try (TextTokenizer tok = TextTokenizer.load(model.resolve("tokenizer.json"))) {
            ChatTemplate template = ChatTemplate.detect(model, tok);
            TrainingExample ex = TrainingData.parse("{\"input\":\"Where is my parcel?\",\"output\":\"{\\\"intent\\\":\\\"shipping\\\"}\"}", 1);
            EncodedExample e = new ExampleEncoder(template, tok, 512).encode(ex);
            List<Integer> target = new ArrayList<>();
            for (int i = 0; i < e.tokens().length; i++) if (e.targets()[i]) target.add(e.tokens()[i]);
            int[] targetIds = target.stream().mapToInt(Integer::intValue).toArray();
            // The answer and the end-of-turn token, nothing else: not the prompt, the system prompt or the newline after.
            assertThat(tok.decode(Arrays.copyOf(targetIds, targetIds.length - 1))).isEqualTo("{\"intent\":\"shipping\"}");
            assertThat(targetIds[targetIds.length - 1]).isEqualTo(TestTokenizer.IM_END);
            assertThat(e.tokens()[e.tokens().length - 1]).isNotEqualTo(TestTokenizer.IM_END); // the "\n" after it is not a target
            assertThat(e.truncated()).isFalse();

            EncodedExample cut = new ExampleEncoder(template, tok, e.tokens().length - 3).encode(ex);
            assertThat(cut.truncated()).isTrue();
            assertThat(cut.tokens()).hasSize(e.tokens().length - 3).containsExactly(Arrays.copyOf(e.tokens(), e.tokens().length - 3));
            EncodedExample noAnswer = new ExampleEncoder(template, tok, 10).encode(ex);
            assertThat(noAnswer.targetCount()).isZero();

            PreparedData prepared = PreparedData.split(List.of(e, cut, noAnswer), 0, 1, "data.jsonl");
            assertThat(prepared.truncated()).isEqualTo(2);
            assertThat(prepared.dropped()).isEqualTo(1);
            assertThat(prepared.train()).hasSize(2);
            assertThatThrownBy(() -> PreparedData.split(List.of(noAnswer), 0, 1, "data.jsonl"))
                    .isInstanceOf(TrainingDataException.class).hasMessageContaining("data.jsonl").hasMessageContaining("max-seq-len");
        }
    }

    @Test
    void theSplitIsSeededAndHoldsOutTheFraction() {
        List<EncodedExample> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) all.add(new EncodedExample(new int[] {1, 2, 3}, new boolean[] {false, true, true}, i + 1, false));
        PreparedData a = PreparedData.split(all, 0.2, 7, "d"), b = PreparedData.split(all, 0.2, 7, "d"), c = PreparedData.split(all, 0.2, 8, "d");
        assertThat(a.validation()).hasSize(4);
        assertThat(a.train()).hasSize(16);
        assertThat(a.validation()).extracting(EncodedExample::line).isEqualTo(b.validation().stream().map(EncodedExample::line).toList());
        assertThat(a.validation()).extracting(EncodedExample::line).isNotEqualTo(c.validation().stream().map(EncodedExample::line).toList());
        assertThat(PreparedData.split(all.subList(0, 1), 0.2, 7, "d").validation()).isEmpty();
    }
}
