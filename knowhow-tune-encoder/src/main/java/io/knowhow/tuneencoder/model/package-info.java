/**
 * The BERT encoder on DJL NDArrays: configuration, weights (loaded from the bundled ONNX export or from
 * safetensors), the forward pass with mean pooling, an optional LoRA adapter on the attention
 * projections, and the tokenizer.
 */
package io.knowhow.tuneencoder.model;
