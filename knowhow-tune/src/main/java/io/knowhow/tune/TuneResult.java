package io.knowhow.tune;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What a run produced.
 *
 * @param output             the output directory
 * @param artifact           the adapter (LoRA) or model (full) directory: the best validation loss's
 *                           weights when there was validation, else the last step's; empty when the run
 *                           was interrupted before writing one
 * @param merged             the merged model directory, when merge was asked for
 * @param method             LoRA or full
 * @param stepsCompleted     optimizer steps done, including those before a resume
 * @param totalSteps         steps planned
 * @param startStep          the step the run resumed from (0 for a fresh run)
 * @param finalLoss          training loss of the last step (NaN when no step ran)
 * @param bestValidationLoss best validation loss, when there was validation
 * @param stoppedEarly       validation stopped improving for the patience
 * @param interrupted        cancelled; a checkpoint was written to continue from
 * @param lastCheckpoint     the newest checkpoint, if any
 * @param runLog             the JSONL run log
 * @param trainExamples      examples trained on
 * @param validationExamples examples held out
 * @param truncatedExamples  examples cut to the maximum sequence length
 * @param elapsed            wall time, including time before a resume
 */
public record TuneResult(Path output, Optional<Path> artifact, Optional<Path> merged, TuneOptions.Method method,
                         int stepsCompleted, int totalSteps, int startStep, double finalLoss, OptionalDouble bestValidationLoss,
                         boolean stoppedEarly, boolean interrupted, Optional<Path> lastCheckpoint, Path runLog,
                         int trainExamples, int validationExamples, int truncatedExamples, Duration elapsed) {}
