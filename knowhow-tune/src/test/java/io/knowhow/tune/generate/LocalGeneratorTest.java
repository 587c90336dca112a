package io.knowhow.tune.generate;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.knowhow.core.model.Answer;
import io.knowhow.core.model.ChatMessage;
import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.Generation;
import io.knowhow.core.model.GenerationRequest;
import io.knowhow.core.model.Hit;
import io.knowhow.tune.TestModels;
import io.knowhow.tune.TuneListener;
import io.knowhow.tune.TuneOptions;
import io.knowhow.tune.TuneResult;
import io.knowhow.tune.Tuner;
import io.knowhow.tune.model.ChatTemplate;
import io.knowhow.tune.model.TextTokenizer;
import io.knowhow.tune.model.Torch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The generator on a tiny model taught, with LoRA, to answer from numbered evidence with citations
 * (strategy "tuned-rag"), to answer a bare question (strategy "tuned") and to abstain.
 */
class LocalGeneratorTest {
    @TempDir
    static Path tmp;
    static Path base;
    static Path adapter;
    static LocalGenerator generator;

    static final List<Hit> CAPITAL = List.of(hit("Paris is the capital of France."));
    static final List<Hit> AUTHORS = List.of(hit("Bob wrote the guide."), hit("Alice wrote the book."));

    static Hit hit(String text) {
        return new Hit(new Chunk(text.substring(0, 5) + "#0", "doc.md", 0, text, List.of(), 0, text.length(), 8, null, null), 1.0);
    }

    @BeforeAll
    static void train() throws Exception {
        base = tmp.resolve("base");
        TestModels.write(base, TestModels.Spec.llama().size(64, 128, 2, 4, 2));
        ObjectMapper json = new ObjectMapper();
        Path data = tmp.resolve("data.jsonl");
        Files.write(data, List.of(
                json.createObjectNode().put("input", LocalGenerator.userMessage("What is the capital?", CAPITAL)).put("output", "Paris [1]").toString(),
                json.createObjectNode().put("input", LocalGenerator.userMessage("Who wrote the book?", AUTHORS)).put("output", "Alice [2][7]").toString(),
                json.createObjectNode().put("input", "ping").put("output", "pong").toString(),
                json.createObjectNode().put("input", "What is unknown?").put("output", Answer.ABSTENTION).toString()));
        TuneOptions options = TuneOptions.builder(tmp.resolve("out")).rank(8).alpha(16).dropout(0)
                .targetModules(List.of("q", "k", "v", "o", "gate", "up", "down")).epochs(100).learningRate(1e-2).batchSize(4)
                .valFraction(0).checkpointEvery(0).maxSeqLen(256).seed(2).build();
        TuneResult result = new Tuner().run(base, data, options, TuneListener.NONE);
        adapter = result.artifact().orElseThrow();
        assertThat(result.truncatedExamples()).isZero();
        generator = LocalGenerator.open(base, Optional.of(adapter), GenerationOptions.DEFAULTS.withMaxNewTokens(40));
    }

    @AfterAll
    static void close() {
        if (generator != null) generator.close();
    }

    @Test
    void theEvidenceIsNumberedBeforeTheQuestion() {
        assertThat(LocalGenerator.userMessage(" Who? ", AUTHORS))
                .isEqualTo("[1] Bob wrote the guide.\n\n[2] Alice wrote the book.\n\nQuestion: Who?");
        assertThat(LocalGenerator.userMessage(" Who? ", List.of())).isEqualTo("Who?");
    }

    @Test
    void hybridAnswersCiteOnlyMarkersThatPointToEvidence() {
        Generation g = generator.generate(new GenerationRequest("Who wrote the book?", AUTHORS));
        assertThat(g.text()).isEqualTo("Alice [2][7]");
        assertThat(g.cited()).containsExactly(2); // [7] points to no evidence
        assertThat(g.abstained()).isFalse();
        assertThat(generator.generate(new GenerationRequest("What is the capital?", CAPITAL)).cited()).containsExactly(1);
    }

    @Test
    void tunedAnswersWithoutEvidenceSeeTheQuestionAlone() throws Exception {
        Generation g = generator.generate(new GenerationRequest("ping", List.of()));
        assertThat(g.text()).isEqualTo("pong");
        assertThat(g.cited()).isEmpty();
        try (TextTokenizer tok = TextTokenizer.load(base.resolve("tokenizer.json"))) {
            int prompt = 0;
            for (ChatTemplate.Segment s : ChatTemplate.detect(base, tok).prompt(List.of(ChatMessage.user("ping")))) prompt += tok.count(s.text());
            assertThat(g.usage().promptTokens()).isEqualTo(prompt);
            assertThat(g.usage().completionTokens()).isEqualTo(tok.count("pong"));
        }
    }

    @Test
    void theAbstentionSentenceComesBackAsAnAbstention() {
        Generation g = generator.generate(new GenerationRequest("What is unknown?", List.of()));
        assertThat(g.abstained()).isTrue();
        assertThat(g.text()).isEqualTo(Answer.ABSTENTION);
    }

    @Test
    void streamedDeltasMakeUpTheTextOnTheCallingThreadWithGradientsOff() throws Exception {
        List<String> deltas = Collections.synchronizedList(new ArrayList<>());
        List<Boolean> gradModes = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Generation> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            Torch.gradMode(true); // a fresh thread's libtorch default
            result.set(generator.generate(new GenerationRequest("What is the capital?", CAPITAL), d -> {
                deltas.add(d);
                gradModes.add(Torch.gradMode());
            }));
        });
        caller.setUncaughtExceptionHandler((t, e) -> failure.set(e));
        caller.start();
        caller.join(120_000);
        assertThat(caller.isAlive()).as("the generating thread did not finish within 120 s").isFalse();
        assertThat(failure.get()).as("the generating thread failed").isNull();
        assertThat(result.get()).as("the generating thread returned no generation").isNotNull();
        assertThat(String.join("", deltas)).isEqualTo(result.get().text()).isEqualTo("Paris [1]");
        assertThat(deltas.size()).isGreaterThan(1);
        assertThat(gradModes).containsOnly(false);
    }

    @Test
    void everyDecodingEngineGivesTheTunedAnswers() {
        for (GenerationOptions.Decoding d : GenerationOptions.Decoding.values()) {
            try (LocalGenerator g = LocalGenerator.open(base, Optional.of(adapter), GenerationOptions.DEFAULTS.withMaxNewTokens(40).withDecoding(d))) {
                assertThat(g.generate(new GenerationRequest("What is the capital?", CAPITAL)).text()).as("%s", d).isEqualTo("Paris [1]");
                assertThat(g.generate(new GenerationRequest("ping", List.of())).text()).as("%s", d).isEqualTo("pong");
            }
        }
        assertThatThrownBy(() -> GenerationOptions.Decoding.parse("int3")).hasMessageContaining("use f32, q8 or libtorch");
    }

    @Test
    void theJavaDecoderStepsDownWhenItsWeightsDoNotFitTheHeap() {
        long mb = 1 << 20;
        assertThat(LocalGenerator.precisionFor(GenerationOptions.Decoding.F32, 500 * mb, 140 * mb, 4000 * mb)).isEqualTo(VectorDecoder.Precision.F32);
        assertThat(LocalGenerator.precisionFor(GenerationOptions.Decoding.F32, 2000 * mb, 520 * mb, 1000 * mb)).isEqualTo(VectorDecoder.Precision.Q8);
        assertThat(LocalGenerator.precisionFor(GenerationOptions.Decoding.F32, 6000 * mb, 1600 * mb, 1000 * mb)).isNull();
        assertThat(LocalGenerator.precisionFor(GenerationOptions.Decoding.Q8, 500 * mb, 140 * mb, 4000 * mb)).isEqualTo(VectorDecoder.Precision.Q8);
        assertThat(LocalGenerator.precisionFor(GenerationOptions.Decoding.LIBTORCH, 1, 1, 4000 * mb)).isNull();
    }

    @Test
    void stopSequencesEndTheAnswerBeforeThem() {
        try (LocalGenerator g = LocalGenerator.open(base, Optional.of(adapter),
                GenerationOptions.DEFAULTS.withMaxNewTokens(40).withStopSequences(List.of(" ["))); ) {
            Generation gen = g.generate(new GenerationRequest("What is the capital?", CAPITAL));
            assertThat(gen.text()).isEqualTo("Paris");
            assertThat(gen.cited()).isEmpty();
        }
    }

    @Test
    void samplingIsRepeatableForASeed() {
        try (LocalGenerator g = LocalGenerator.open(base, Optional.empty(), GenerationOptions.DEFAULTS.withMaxNewTokens(12))) {
            List<String> texts = new ArrayList<>();
            for (long seed = 1; seed <= 4; seed++) {
                GenerationOptions o = g.options().withSampling(1.5, 0.95, seed);
                try (LocalGenerator s = LocalGenerator.open(base, Optional.empty(), o)) {
                    String a = s.generate(new GenerationRequest("Hello", List.of())).text();
                    assertThat(s.generate(new GenerationRequest("Hello", List.of())).text()).isEqualTo(a);
                    texts.add(a);
                }
            }
            assertThat(texts).doesNotHaveDuplicates();
            assertThat(g.generate(new GenerationRequest("Hello", List.of())).usage().completionTokens()).isLessThanOrEqualTo(12);
        }
    }

    @Test
    void evidenceThatDoesNotFitTheContextIsDroppedFromTheLowestRank() {
        // Chunks grow with rank, so keeping the first k is the one way to get the shortest prompt of k chunks:
        // the prompt's size then tells which were kept.
        List<Hit> many = new ArrayList<>();
        for (int i = 0; i < 12; i++) many.add(hit("Chunk number " + i + " says" + " something".repeat(i + 1) + "."));
        String question = "What is the capital?";
        Generation g = generator.generate(new GenerationRequest(question, many));
        int context = 256, maxNew = 40; // the test model's max_position_embeddings, the generator's max new tokens
        try (TextTokenizer tok = TextTokenizer.load(base.resolve("tokenizer.json"))) {
            ChatTemplate template = ChatTemplate.detect(base, tok);
            int kept = -1, keptTokens = 0;
            for (int k = 0; k <= many.size(); k++) {
                int tokens = 0;
                for (ChatTemplate.Segment s : template.prompt(List.of(ChatMessage.user(LocalGenerator.userMessage(question, many.subList(0, k))))))
                    tokens += tok.count(s.text());
                if (tokens + maxNew <= context) {
                    kept = k;
                    keptTokens = tokens;
                }
            }
            assertThat(kept).as("chunks that fit beside the answer: the case needs some kept and some dropped").isBetween(1, many.size() - 1);
            assertThat(g.usage().promptTokens()).as("prompt tokens: the first %d chunks by rank", kept).isEqualTo(keptTokens);
        }
        assertThatThrownBy(() -> generator.generate(new GenerationRequest("x ".repeat(300), List.of())))
                .hasMessageContaining("prompt takes");
    }

    @Test
    void requestMessagesAreSentAsGivenAndNothingLeaks() {
        long before = generator.model().manager().getManagedArrays().size();
        Generation a = generator.generate(new GenerationRequest("ignored", CAPITAL,
                List.of(ChatMessage.user(LocalGenerator.userMessage("What is the capital?", CAPITAL)))));
        assertThat(a.text()).isEqualTo("Paris [1]");
        generator.generate(new GenerationRequest("ping", List.of()));
        assertThat(generator.model().manager().getManagedArrays()).hasSize((int) before);
        assertThat(generator.name()).isEqualTo("local:base+out");
    }
}
