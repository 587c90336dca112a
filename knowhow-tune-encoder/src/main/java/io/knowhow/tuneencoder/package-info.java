/**
 * Fine-tuning of the bundled sentence encoder (all-MiniLM-L6-v2) in process, on DJL's PyTorch engine (CPU).
 *
 * <p>Sub-packages follow the data's way: {@code onnx} (the f32 weights read out of the ONNX export that
 * ships in a Maven jar) → {@code model} (the BERT encoder written on NDArrays, its tokenizer and LoRA
 * adapter) → {@code classify} (labelled text to a trained classifier artifact and back) → {@code bench}
 * (measurements on Banking77 and SQuAD). The optimizer, schedule, checkpoints, run log and progress
 * events are knowhow-tune's, shared with the decoder tuner.
 */
package io.knowhow.tuneencoder;
