package io.knowhow.eval.compare;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What eval compare reports as forgetting is the run log's base-model loss and its last artifact's, never a guess. */
class RunLogForgettingTest {
    @TempDir
    Path tmp;

    @Test
    void theBaseModelsLossAndTheDeliveredArtifactsAreReported() throws Exception {
        Path log = Files.writeString(tmp.resolve("run-log.jsonl"), """
                {"type":"forgetting","step":0,"metric":"general_loss","general_set":"knowhow:general-set.jsonl","before":2.5}
                {"type":"step","step":1,"epoch":1,"loss":3.0,"elapsed_s":1.0}
                {"type":"eval","step":1,"epoch":1,"val_loss":2.9,"elapsed_s":1.1}
                {"type":"forgetting","step":1,"metric":"general_loss","general_set":"knowhow:general-set.jsonl","after":2.6}
                {"type":"step","step":2,"epoch":2,"loss":2.0,"elapsed_s":2.0}
                {"type":"eval","step":2,"epoch":2,"val_loss":2.1,"elapsed_s":2.1}
                {"type":"forgetting","step":2,"metric":"general_loss","general_set":"knowhow:general-set.jsonl","after":2.75}
                """);
        TunedRun run = KnowhowTarget.readRunLog(log);
        assertThat(run.forgetting().measured()).isTrue();
        assertThat(run.forgetting().before()).isEqualTo(2.5);
        assertThat(run.forgetting().after()).isEqualTo(2.75);
        assertThat(run.steps()).hasSize(2);
    }

    @Test
    void aLogWithoutTheMeasurementSaysSoInsteadOfAScore() throws Exception {
        Path log = Files.writeString(tmp.resolve("run-log.jsonl"), """
                {"type":"forgetting","step":0,"metric":"general_loss","general_set":"knowhow:general-set.jsonl","before":2.5}
                {"type":"step","step":1,"epoch":1,"loss":3.0,"elapsed_s":1.0}
                """);
        Forgetting f = KnowhowTarget.readRunLog(log).forgetting();
        assertThat(f.measured()).isFalse();
        assertThat(f.before()).isNull();
        assertThat(f.source()).contains("no general-set loss");
    }
}
