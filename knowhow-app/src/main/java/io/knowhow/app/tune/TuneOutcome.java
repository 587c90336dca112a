package io.knowhow.app.tune;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What a fine-tuning run produced, whatever the task.
 *
 * @param task               what was trained
 * @param method             lora, full or frozen
 * @param output             the run's output directory
 * @param artifact           the adapter or model directory; empty when interrupted before one was written
 * @param merged             generate with merge: the merged model directory
 * @param steps              optimizer steps completed (including those before a resume)
 * @param totalSteps         steps planned
 * @param finalLoss          training loss of the last step
 * @param bestValidationLoss best validation loss, when there was validation
 * @param stoppedEarly       validation stopped improving for the patience
 * @param interrupted        cancelled; a checkpoint was written to continue from with resume
 * @param lastCheckpoint     the newest checkpoint, if any
 * @param runLog             the JSONL run log
 * @param examples           training examples read from the data file
 * @param validationExamples examples held out (generate)
 * @param truncatedExamples  examples cut to the maximum sequence length (generate)
 * @param maxSeqLen          that length (generate)
 * @param slots              extract: the output schema
 * @param activated          the config keys the run set so the knowledge base uses its result
 * @param elapsed            wall time, including time before a resume
 * @param forgetting         decoder runs: the general set's loss before and after training (from the run log); empty for encoder tasks
 */
public record TuneOutcome(TuneTask task, String method, Path output, Optional<Path> artifact, Optional<Path> merged,
                          int steps, int totalSteps, double finalLoss, OptionalDouble bestValidationLoss, boolean stoppedEarly,
                          boolean interrupted, Optional<Path> lastCheckpoint, Path runLog, int examples, int validationExamples,
                          int truncatedExamples, int maxSeqLen, List<String> slots, List<String> activated, Duration elapsed,
                          Optional<GeneralLoss> forgetting) {
    public TuneOutcome {
        slots = List.copyOf(slots);
        activated = List.copyOf(activated);
        forgetting = forgetting == null ? Optional.empty() : forgetting;
    }

    /**
     * Forgetting as a decoder run measured it: the loss per target token of a general set (examples outside the task) with
     * the base model and with the delivered artifact. A rise means the tuned model finds everyday text less likely.
     *
     * @param generalSet the file, or {@code knowhow:general-set.jsonl} for the bundled one
     */
    public record GeneralLoss(String generalSet, double before, double after) {
        /** The change in percent of the base model's loss. */
        public double changePercent() {
            return before == 0 ? 0 : 100 * (after - before) / before;
        }
    }
}
