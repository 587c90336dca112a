/**
 * A {@link io.knowhow.core.port.Generator} for any server that speaks the OpenAI chat-completions
 * protocol (OpenAI, vLLM, llama.cpp, Ollama, LM Studio, OpenRouter, ...), on the JDK HTTP client.
 *
 * <p>{@link io.knowhow.llm.openai.OpenAiCompatibleGenerator} is the entry point and
 * {@link io.knowhow.llm.openai.LlmSettings} its configuration ({@code llm.*} keys); the rest is
 * package-private, one job a class: HTTP ({@code ChatClient}), reading bodies under the byte cap
 * ({@code CappedBody}, {@code SseLines}), events to a reply with timeouts and the deadline
 * ({@code ResponseReader}), the JSON shapes ({@code ChatProtocol}), retries ({@code RetryPolicy}), every
 * failure's message ({@code LlmErrors}) and the reply as a core {@code Generation} ({@code ReplyMapping}).
 */
package io.knowhow.llm.openai;
