/** Fine-tuning benchmarks: decoder LoRA/full training and decoding speed, encoder classification, extraction and retrieval adaptation. */
package io.knowhow.bench.tune;
