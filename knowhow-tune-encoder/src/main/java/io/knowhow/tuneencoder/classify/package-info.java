/**
 * Text classification on the bundled encoder: labelled data (JSONL or CSV) → a trained classifier
 * (frozen encoder, LoRA or full fine-tuning, with a linear head on the mean-pooled vector) → an artifact
 * directory that {@link io.knowhow.tuneencoder.classify.Classifier#load} reads back.
 *
 * <p>What the CLI calls: {@code knowhow tune --task classify FILE} →
 * {@link io.knowhow.tuneencoder.classify.ClassificationData#read} then
 * {@link io.knowhow.tuneencoder.classify.ClassifierTrainer#train}; {@code knowhow classify TEXT} →
 * {@link io.knowhow.tuneencoder.classify.Classifier#load} then
 * {@link io.knowhow.tuneencoder.classify.Classifier#classify}.
 */
package io.knowhow.tuneencoder.classify;
