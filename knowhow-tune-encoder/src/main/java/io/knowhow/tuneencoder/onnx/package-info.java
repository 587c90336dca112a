/**
 * Reads the weights of an ONNX export of a BERT encoder: a minimal reader of the protobuf wire format
 * for the few fields needed, and the mapping of ONNX initializer names to Hugging Face BERT names.
 */
package io.knowhow.tuneencoder.onnx;
