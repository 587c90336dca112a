/**
 * In-process text embeddings on ONNX Runtime with the Hugging Face tokenizer.
 *
 * <p>{@link io.knowhow.embed.onnx.OnnxEmbedder} implements the core {@code Embedder} and {@code
 * TokenCounter} ports. Its model comes either from a jar on the classpath ({@link
 * io.knowhow.embed.onnx.BundledModel}, nothing is downloaded at run time) or from a directory holding
 * {@code model.onnx} and {@code tokenizer.json} ({@link io.knowhow.embed.onnx.OnnxModelOptions} say
 * how to use it). {@link io.knowhow.embed.onnx.OnnxRuntimeOptions} tune batching and threads.
 *
 * <p>The way through: tokenize (truncated to the model's limit, special tokens added) → sort the
 * texts of a call by token length and cut them into batches, padding each batch to its longest text
 * → run the encoder ({@code input_ids}, {@code attention_mask}, and {@code token_type_ids} where the
 * model declares it) → pool {@code last_hidden_state} (mean over the attention mask, or the first
 * token) → L2-normalise.
 *
 * <p>No ONNX Runtime or DJL type appears in this package's public API, so callers depend only on
 * the core ports and these records.
 */
package io.knowhow.embed.onnx;
