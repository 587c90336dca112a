/**
 * The mechanics of a training run, independent of where its data and model come from: the AdamW
 * optimizer with global-norm gradient clipping, the warm-up + cosine learning-rate schedule,
 * checkpoints (trainable arrays, optimizer state and position, written atomically) and the JSONL run log.
 */
package io.knowhow.tune.train;
