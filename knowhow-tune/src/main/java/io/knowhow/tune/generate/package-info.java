/**
 * In-process generation with a base or fine-tuned model behind knowhow's
 * {@link io.knowhow.core.port.Generator} port: prompt layout with the model's chat template, KV-cached
 * decoding, greedy or seeded temperature / top-p sampling, stop sequences and streaming.
 *
 * <p>{@link io.knowhow.tune.generate.LocalGenerator} prefills the prompt on libtorch, then decodes in
 * Java with {@link io.knowhow.tune.generate.VectorDecoder}: immutable weights ({@code DecodingWeights}),
 * per-generation state ({@code DecodingState}), a stateless step ({@code Forward}) and its arithmetic
 * ({@code VectorKernels}, or {@code ScalarKernels} as the check).
 */
package io.knowhow.tune.generate;
