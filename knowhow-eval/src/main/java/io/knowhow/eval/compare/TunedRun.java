package io.knowhow.eval.compare;

import java.util.List;

/**
 * What the tuned model's run log ({@code run-log.jsonl} beside its adapter or model) says: the training time,
 * the loss curve and any forgetting measurement.
 *
 * @param runLog       the log's path
 * @param trainSeconds elapsed seconds at its last line; null when the log has none
 * @param steps        the loss curve: {step, loss} per logged step, in order
 * @param validation   the validation curve: {step, val_loss}
 * @param forgetting   the general-set scores before and after, when the log records them
 */
public record TunedRun(String runLog, Double trainSeconds, List<double[]> steps, List<double[]> validation, Forgetting forgetting) {
    public TunedRun {
        steps = List.copyOf(steps);
        validation = List.copyOf(validation);
    }
}
