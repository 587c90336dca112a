package io.knowhow.tune;

import com.fasterxml.jackson.databind.JsonNode;
import io.knowhow.tune.model.Torch;
import io.knowhow.tune.train.RunLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Interrupting a run writes a checkpoint; resuming it continues the same loss curve. */
class ResumeTest {
    @TempDir
    Path tmp;

    private TuneOptions.Builder options(Path out) {
        // Dropout on, so that resuming must also reproduce the random masks.
        return TuneOptions.builder(out).rank(4).alpha(8).dropout(0.1).epochs(3).learningRate(5e-3).batchSize(1).valFraction(0.25)
                .checkpointEvery(0).maxSeqLen(128).seed(3);
    }

    @Test
    void aResumedRunContinuesTheUninterruptedLossCurve() throws Exception {
        Path base = tmp.resolve("base");
        TestModels.write(base, TestModels.Spec.llama());
        Path data = TunerTest.writeIntentData(tmp.resolve("data.jsonl"));

        TuneResult whole = new Tuner().run(base, data, options(tmp.resolve("whole")).build(), TuneListener.NONE);
        assertThat(whole.totalSteps()).isEqualTo(9); // 3 training examples, batch 1, 3 epochs

        Tuner tuner = new Tuner();
        TuneResult stopped = tuner.run(base, data, options(tmp.resolve("split")).build(), new TuneListener() {
            @Override
            public void onStep(TuneProgress p) {
                if (p.step() == 4) tuner.cancel();
            }
        });
        assertThat(stopped.interrupted()).isTrue();
        assertThat(stopped.stepsCompleted()).isEqualTo(4);
        assertThat(stopped.lastCheckpoint()).hasValueSatisfying(c -> assertThat(c.getFileName().toString()).isEqualTo("step-000004"));

        assertThatThrownBy(() -> new Tuner().run(base, data, options(tmp.resolve("split")).build(), TuneListener.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("checkpoint").hasMessageContaining("resume");
        assertThatThrownBy(() -> new Tuner().run(base, data, options(tmp.resolve("split")).learningRate(1e-3).resume(true).build(), TuneListener.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot resume");

        Torch.seed(987_654_321L); // a resume runs in a new process, whose random generator is elsewhere
        TuneResult resumed = new Tuner().run(base, data, options(tmp.resolve("split")).resume(true).build(), TuneListener.NONE);
        assertThat(resumed.startStep()).isEqualTo(4);
        assertThat(resumed.stepsCompleted()).isEqualTo(9);
        assertThat(resumed.interrupted()).isFalse();

        List<JsonNode> expected = RunLog.read(whole.runLog()), actual = RunLog.read(resumed.runLog());
        assertThat(actual).hasSameSizeAs(expected); // the log reads as one run: 9 steps and 3 evaluations
        for (int i = 0; i < expected.size(); i++) {
            JsonNode e = expected.get(i), a = actual.get(i);
            assertThat(a.path("type").asText()).isEqualTo(e.path("type").asText());
            assertThat(a.path("step").asInt()).isEqualTo(e.path("step").asInt());
            String field = e.path("type").asText().equals("eval") ? "val_loss" : "loss";
            assertThat(a.path(field).asDouble()).as("%s at line %d", field, i + 1).isCloseTo(e.path(field).asDouble(), within(1e-5));
        }
        assertThat(resumed.bestValidationLoss().getAsDouble()).isCloseTo(whole.bestValidationLoss().getAsDouble(), within(1e-5));
    }

    @Test
    void theShutdownHookCheckpointsARunningTrainingAndWaitsForIt() throws Exception {
        Path base = tmp.resolve("base");
        TestModels.write(base, TestModels.Spec.llama());
        Path data = TunerTest.writeIntentData(tmp.resolve("data.jsonl"));
        Tuner tuner = new Tuner();
        Thread hook = tuner.shutdownHook();
        AtomicReference<TuneResult> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread training = new Thread(() -> {
            try {
                result.set(tuner.run(base, data, options(tmp.resolve("out")).epochs(50).build(), new TuneListener() {
                    @Override
                    public void onStep(TuneProgress p) {
                        if (p.step() == 2) hook.start(); // what the JVM does on Ctrl-C
                    }
                }));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        training.start();
        training.join(120_000);
        assertThat(training.isAlive()).as("the training thread did not finish within 120 s of the hook: the hook did not stop it").isFalse();
        assertThat(failure.get()).as("the training thread failed").isNull();
        hook.join(60_000);
        assertThat(hook.isAlive()).as("the shutdown hook did not return within 60 s of the training").isFalse();
        assertThat(result.get()).as("the training thread returned no result").isNotNull();
        assertThat(result.get().interrupted()).isTrue();
        assertThat(result.get().stepsCompleted()).isLessThan(result.get().totalSteps());
        Path checkpoint = result.get().lastCheckpoint().orElseThrow();
        assertThat(checkpoint.resolve("trainable.safetensors")).exists();
        assertThat(checkpoint.resolve("optimizer.safetensors")).exists();
        assertThat(Files.readString(checkpoint.resolve("trainer_state.json"))).contains("\"step\" : " + result.get().stepsCompleted());
    }

    @Test
    void anOutputDirectoryWithOtherFilesIsRefused() throws Exception {
        Path base = tmp.resolve("base");
        TestModels.write(base, TestModels.Spec.llama());
        Path data = TunerTest.writeIntentData(tmp.resolve("data.jsonl"));
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> new Tuner().run(base, data, options(out).build(), TuneListener.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(out.toString()).hasMessageContaining("not empty");
    }

    @Test
    void validationLossIsLoggedPerEpochAndEarlyStoppingEndsTheRun() throws Exception {
        Path base = tmp.resolve("base");
        TestModels.write(base, TestModels.Spec.llama());
        Path data = TunerTest.writeIntentData(tmp.resolve("data.jsonl"));
        TuneResult r = new Tuner().run(base, data, options(tmp.resolve("out")).dropout(0).epochs(40).learningRate(2e-2)
                .earlyStoppingPatience(2).build(), TuneListener.NONE);
        List<JsonNode> evals = RunLog.read(r.runLog()).stream().filter(n -> n.path("type").asText().equals("eval")).toList();
        assertThat(r.stoppedEarly()).isTrue();
        assertThat(r.stepsCompleted()).isLessThan(r.totalSteps());
        assertThat(evals).hasSize(r.stepsCompleted() / 3);
        double[] losses = evals.stream().mapToDouble(n -> n.path("val_loss").asDouble()).toArray();
        assertThat(r.bestValidationLoss().getAsDouble()).isEqualTo(java.util.Arrays.stream(losses).min().orElseThrow());
        // Replay the rule: an evaluation improves when it is below every one before it; the run stops at the
        // second in a row that does not. So the last evaluation is the first with two misses in a row.
        assertThat(losses.length).isGreaterThanOrEqualTo(3);
        double best = Double.POSITIVE_INFINITY;
        int misses = 0;
        for (int i = 0; i < losses.length; i++) {
            if (losses[i] < best) {
                best = losses[i];
                misses = 0;
            } else {
                misses++;
            }
            String where = "evaluation " + (i + 1) + " of " + losses.length + ", losses " + java.util.Arrays.toString(losses);
            if (i < losses.length - 1) assertThat(misses).as("the run went on after two misses in a row: %s", where).isLessThan(2);
            else assertThat(misses).as("the run stopped without two misses in a row: %s", where).isEqualTo(2);
        }
        assertThat(r.artifact()).isPresent();
    }
}
