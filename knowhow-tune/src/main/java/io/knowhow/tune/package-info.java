/**
 * Fine-tuning of Llama-family language models in process, on DJL's PyTorch engine (CPU): the entry
 * point {@link io.knowhow.tune.Tuner}, its options, progress events and result. "Fine-tune for
 * behaviour, retrieve for knowledge": a run teaches a model a format, a tone or a task from
 * input/output pairs; {@link io.knowhow.tune.generate.LocalGenerator} then answers with it, alone
 * (strategy "tuned") or over retrieved evidence (strategy "tuned-rag").
 *
 * <p>Sub-packages follow the data's way: {@code safetensors} (tensor files) → {@code model} (the
 * decoder, tokenizer, chat templates) → {@code data} (JSONL to token ids) → {@code train} (optimizer,
 * schedule, checkpoints, run log) → {@code artifact} (PEFT adapters, merged models) →
 * {@code generate} (the Generator port).
 */
package io.knowhow.tune;
