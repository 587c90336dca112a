package io.knowhow.tuneencoder.embed;

import io.knowhow.core.port.Embedder;
import io.knowhow.core.port.EmbedderContract;
import io.knowhow.tune.TuneListener;
import io.knowhow.tuneencoder.model.BundledEncoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** A retrieval-adapted encoder, written by a short real training run and loaded back, keeps the {@link Embedder} contract. */
class TunedEmbedderContractTest extends EmbedderContract {
    @TempDir
    static Path dir;
    private static Embedder embedder;

    @BeforeAll
    static void train() {
        EmbedOptions o = EmbedOptions.defaults(EmbedOptions.Method.LORA, dir).with(1, 4, 1e-3, 32);
        EmbeddingTrainer.train(BundledEncoder.tensors(), EmbeddingTrainerTest.PAIRS, o, TuneListener.NONE).embedder().ifPresent(Embedder::close);
        embedder = TunedEmbedder.load(dir);
    }

    @Override
    protected Embedder embedder() {
        return embedder;
    }

    @AfterAll
    static void close() {
        if (embedder != null) embedder.close();
    }
}
