/**
 * In-process generation with a base or fine-tuned model behind knowhow's
 * {@link io.knowhow.core.port.Generator} port: prompt layout with the model's chat template, KV-cached
 * decoding, greedy or seeded temperature / top-p sampling, stop sequences and streaming.
 */
package io.knowhow.tune.generate;
