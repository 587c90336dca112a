package io.knowhow.tune;

import java.time.Duration;

/**
 * The state of a run after one optimizer step.
 *
 * @param step            steps completed, from 1
 * @param totalSteps      steps of the whole run
 * @param epoch           the current epoch, from 1
 * @param loss            mean training loss of this step's batches
 * @param learningRate    learning rate used by this step
 * @param gradNorm        global gradient norm before clipping
 * @param tokensPerSecond tokens (prompt and answer, no padding) processed per second in this step
 * @param elapsed         wall time of the run so far (including time before a resume)
 * @param eta             estimated time to the last step, from this session's mean step time
 */
public record TuneProgress(int step, int totalSteps, int epoch, double loss, double learningRate, double gradNorm,
                           double tokensPerSecond, Duration elapsed, Duration eta) {}
