/**
 * A {@link io.knowhow.core.port.Generator} for any server that speaks the OpenAI chat-completions
 * protocol (OpenAI, vLLM, llama.cpp, Ollama, LM Studio, OpenRouter, ...), on the JDK HTTP client.
 */
package io.knowhow.llm.openai;
