/**
 * What a tuning run leaves behind, in formats other tools read: LoRA adapters in PEFT's layout
 * ({@code adapter_model.safetensors} + {@code adapter_config.json}) and whole models in Hugging Face's
 * ({@code config.json} + {@code model.safetensors} + tokenizer files), including a base model merged
 * with an adapter.
 */
package io.knowhow.tune.artifact;
