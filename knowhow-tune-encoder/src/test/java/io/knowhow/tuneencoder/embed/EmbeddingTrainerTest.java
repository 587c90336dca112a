package io.knowhow.tuneencoder.embed;

import com.fasterxml.jackson.databind.JsonNode;
import io.knowhow.core.port.Embedder;
import io.knowhow.tune.TuneListener;
import io.knowhow.tune.train.RunLog;
import io.knowhow.tuneencoder.classify.ClassificationDataException;
import io.knowhow.tuneencoder.model.BundledEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Contrastive adaptation on a tiny set: the loss falls, and the artifact serves the same vectors through the Embedder port. */
class EmbeddingTrainerTest {
    static final List<TextPair> PAIRS = List.of(
            new TextPair("code for a lost card", "Report a lost or stolen card in the app under Cards > Freeze."),
            new TextPair("how long does a transfer take", "Bank transfers arrive within one to three working days."),
            new TextPair("exchange rate fee", "Currency exchange costs 0.5% above the interbank rate on weekdays."),
            new TextPair("change my PIN", "You can set a new PIN at any ATM of our partner network."),
            new TextPair("top up by card", "Adding money with a debit card is free up to 3,000 a month."),
            new TextPair("close account", "To close your account, withdraw the balance and contact support."),
            new TextPair("refund not received", "Refunds from merchants can take up to 10 days to appear."),
            new TextPair("verify identity", "Identity checks need a photo of your passport and a selfie."));

    @TempDir
    Path dir;

    @Test
    void loraLossFallsAndTheArtifactRoundTrips() {
        EmbedOptions o = EmbedOptions.defaults(EmbedOptions.Method.LORA, dir).with(6, 4, 5e-3, 32);
        EmbeddingTrainer.Result r = EmbeddingTrainer.train(BundledEncoder.tensors(), PAIRS, o, TuneListener.NONE);
        List<Double> losses = RunLog.read(r.runLog()).stream().map((JsonNode n) -> n.path("loss").asDouble()).toList();
        assertThat(losses).hasSize(12);
        double first = (losses.get(0) + losses.get(1) + losses.get(2)) / 3, last = (losses.get(9) + losses.get(10) + losses.get(11)) / 3;
        assertThat(last).as("losses %s", losses).isLessThan(first * 0.7);
        try (Embedder trained = r.embedder().orElseThrow(); Embedder loaded = TunedEmbedder.load(dir)) {
            float[] a = trained.embedQuery(PAIRS.get(0).query()), b = loaded.embedQuery(PAIRS.get(0).query());
            assertThat(b).containsExactly(a);
            double norm = 0;
            for (float v : a) norm += v * v;
            assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            assertThat(loaded.info().dimension()).isEqualTo(384);
            assertThat(loaded.info().id()).startsWith("all-minilm-l6-v2+tuned:");
        }
    }

    @Test
    void anInterruptedRunResumesOnTheSameCurveAndEndsWithTheSameVectors() {
        EmbedOptions whole = EmbedOptions.defaults(EmbedOptions.Method.LORA, dir.resolve("whole")).with(2, 4, 5e-3, 32);
        float[] expected;
        try (Embedder e = EmbeddingTrainer.train(BundledEncoder.tensors(), PAIRS, whole, TuneListener.NONE).embedder().orElseThrow()) {
            expected = e.embedQuery(PAIRS.get(2).query());
        }
        EmbedOptions split = EmbedOptions.defaults(EmbedOptions.Method.LORA, dir.resolve("split")).with(2, 4, 5e-3, 32);
        AtomicInteger polls = new AtomicInteger();
        EmbeddingTrainer.Result first = EmbeddingTrainer.train(BundledEncoder.tensors(), PAIRS, split, false, TuneListener.NONE,
                () -> polls.incrementAndGet() == 2);
        assertThat(first.interrupted()).isTrue();
        assertThat(first.embedder()).isEmpty();
        assertThat(first.steps()).isEqualTo(2);
        assertThat(dir.resolve("split").resolve("embedder.json")).doesNotExist();

        EmbeddingTrainer.Result second = EmbeddingTrainer.train(BundledEncoder.tensors(), PAIRS, split, true, TuneListener.NONE, () -> false);
        assertThat(second.startStep()).isEqualTo(2);
        assertThat(second.steps()).isEqualTo(4);
        try (Embedder e = second.embedder().orElseThrow()) {
            float[] actual = e.embedQuery(PAIRS.get(2).query());
            for (int i = 0; i < actual.length; i++) assertThat(actual[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5f));
        }
        assertThat(RunLog.read(second.runLog()).stream().map(n -> n.path("step").asInt()).toList()).containsExactly(1, 2, 3, 4);

        List<TextPair> other = PAIRS.subList(0, 6);
        EmbedOptions third = EmbedOptions.defaults(EmbedOptions.Method.LORA, dir.resolve("other")).with(2, 4, 5e-3, 32);
        EmbeddingTrainer.train(BundledEncoder.tensors(), PAIRS, third, false, TuneListener.NONE, () -> true);
        assertThatThrownBy(() -> EmbeddingTrainer.train(BundledEncoder.tensors(), other, third, true, TuneListener.NONE, () -> false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("belongs to another run");
    }

    @Test
    void pairDataErrorsNameTheLine() throws IOException {
        Path f = Files.writeString(dir.resolve("p.jsonl"), "{\"query\":\"a\",\"passage\":\"b\"}\n{\"query\":\"c\"}\n");
        assertThatThrownBy(() -> PairData.read(f)).isInstanceOf(ClassificationDataException.class)
                .hasMessageContaining("p.jsonl:2").hasMessageContaining("passage");
        Path g = Files.writeString(dir.resolve("q.jsonl"), "{\"query\":\"a\",\"passage\":\"b\"}\n\n{\"query\":\"c\",\"passage\":\"d\"}\n");
        assertThat(PairData.read(g)).containsExactly(new TextPair("a", "b", 1), new TextPair("c", "d", 3));
    }
}
