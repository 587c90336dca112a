package io.knowhow.tuneencoder.extract;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The outcome of an extractor training run.
 *
 * @param extractor   the trained extractor, in memory (the caller closes it); empty when the run was interrupted
 * @param artifact    the directory {@link Extractor#load} reads; empty when interrupted
 * @param steps       optimizer steps completed
 * @param totalSteps  steps planned
 * @param startStep   steps restored from a checkpoint (0 for a fresh run)
 * @param finalLoss   training loss of the last step
 * @param interrupted whether the run stopped early on request (a checkpoint holds its state)
 * @param runLog      the JSONL run log
 * @param elapsed     wall time, including time before a resume
 */
public record ExtractResult(Optional<Extractor> extractor, Optional<Path> artifact, int steps, int totalSteps, int startStep,
                            double finalLoss, boolean interrupted, Path runLog, Duration elapsed) {}
