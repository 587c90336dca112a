/**
 * Llama-family decoders (Llama, SmolLM, Qwen2, Mistral) on DJL NDArrays: configuration from a Hugging
 * Face {@code config.json}, f32 weights from safetensors, the forward pass with optional LoRA, the KV
 * cache, the tokenizer and the per-family chat templates.
 *
 * <p>Layout after llama3.java: data, state and compute apart — {@link io.knowhow.tune.model.ModelConfig}
 * and {@link io.knowhow.tune.model.DecoderWeights} are what is loaded, {@link io.knowhow.tune.model.KvCache}
 * is per-generation state, {@link io.knowhow.tune.model.DecoderModel} computes.
 *
 * <p>Why NDArray operations and a name→array map instead of DJL {@code Block}s: the parameters must keep
 * their Hugging Face names for loading, saving and PEFT adapters; LoRA adds arrays beside chosen
 * projections; the KV cache needs the forward to start at an arbitrary position; which arrays require
 * gradients changes between LoRA and full fine-tuning. All of that is direct with a static-shaped
 * forward over named arrays, and each would need a custom block, parameter store and initializer in
 * DJL's training API. It also keeps every scalar under our control: DJL's {@code x.mul(3f)} builds a
 * temporary array over Java memory that autograd may read after it is freed (see {@link io.knowhow.tune.model.Torch}).
 */
package io.knowhow.tune.model;
