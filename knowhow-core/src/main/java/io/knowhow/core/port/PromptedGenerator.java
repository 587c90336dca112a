package io.knowhow.core.port;

import io.knowhow.core.prompt.PromptBuilder;

/**
 * A generator that reads an assembled chat prompt (an LLM), so the pipeline must fit the evidence to
 * its context window before calling it.
 *
 * <p>The generator owns its {@link PromptBuilder} because the builder's budget comes from the model's
 * settings (context window, tokens reserved for the answer, system prompt): one place holds them, and
 * the pipeline cannot plan a prompt for a window the model does not have. Generators that work on the
 * evidence directly (extractive) do not implement it and get the evidence unbudgeted.
 */
public interface PromptedGenerator extends Generator {
    /** The builder that turns a question and ranked evidence into the messages this model receives. */
    PromptBuilder promptBuilder();
}
