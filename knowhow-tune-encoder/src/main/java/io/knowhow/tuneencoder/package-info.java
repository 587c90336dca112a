/**
 * Fine-tuning of the bundled sentence encoder (all-MiniLM-L6-v2) in process, on DJL's PyTorch engine (CPU).
 *
 * <p>Sub-packages follow the data's way: {@code onnx} (the f32 weights read out of the ONNX export that
 * ships in a Maven jar) → {@code model} (the BERT encoder written on NDArrays, its tokenizer and LoRA
 * adapter) → {@code train} (the one training loop and its options) → the tasks: {@code classify}
 * (labelled text to a classifier), {@code extract} (span-labelled text to a slot extractor) and
 * {@code embed} (query–passage pairs to a retrieval-adapted embedder). The optimizer, schedule,
 * checkpoints, run log and progress events are knowhow-tune's, shared with the decoder tuner;
 * measurements live in the bench module ({@code tune.EncoderBench}, {@code tune.ExtractBench},
 * {@code tune.EmbedBench}).
 */
package io.knowhow.tuneencoder;
