package io.knowhow.tune;

import io.knowhow.tune.data.ExampleEncoder;
import io.knowhow.tune.data.PreparedData;
import io.knowhow.tune.data.TrainingData;
import io.knowhow.tune.model.ChatTemplate;
import io.knowhow.tune.model.DecoderModel;
import io.knowhow.tune.model.TextTokenizer;
import io.knowhow.tune.model.Torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The training loop frees every step's arrays and leaves the thread's grad mode as it found it. */
class TrainingRunTest {
    @TempDir
    Path tmp;

    @Test
    void noArraysAccumulateAcrossStepsForLoraAndFullFineTuning() throws Exception {
        for (TuneOptions.Method method : TuneOptions.Method.values()) {
            Path base = tmp.resolve("base-" + method);
            TestModels.write(base, TestModels.Spec.qwen2());
            Path data = TunerTest.writeIntentData(tmp.resolve("data.jsonl"));
            TuneOptions options = TuneOptions.builder(tmp.resolve("out-" + method)).method(method).epochs(3).batchSize(2)
                    .gradAccumulation(2).valFraction(0.25).checkpointEvery(2).maxSeqLen(128).learningRate(1e-3).build();
            PreparedData prepared;
            try (TextTokenizer tok = TextTokenizer.load(base.resolve("tokenizer.json"))) {
                prepared = PreparedData.split(new ExampleEncoder(ChatTemplate.detect(base, tok), tok, 128).encodeAll(TrainingData.read(data)),
                        0.25, 42, "data");
            }
            Torch.gradMode(true);
            try (DecoderModel model = DecoderModel.load(base)) {
                List<Integer> arrays = new ArrayList<>();
                TuneListener count = new TuneListener() {
                    @Override
                    public void onStep(TuneProgress p) {
                        arrays.add(model.manager().getManagedArrays().size());
                    }
                };
                TuneResult r = new TrainingRun(base, model, "chatml", prepared, GeneralSet.none(), options, "hash", Optional.empty(), count, () -> false).run();
                assertThat(r.stepsCompleted()).isEqualTo(3);
                assertThat(arrays).as(method + ": arrays owned by the model after each step").hasSize(3).containsOnly(arrays.getFirst());
                assertThat(Torch.gradMode()).isTrue();
            } finally {
                Torch.gradMode(false);
            }
        }
    }
}
