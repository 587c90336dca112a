package io.knowhow.core.port;

/** Counts tokens the way a model's own tokenizer does, so chunks and prompts fit its limits. */
@FunctionalInterface
public interface TokenCounter {
    /** Tokens in {@code text}, excluding special tokens such as [CLS] / [SEP]. */
    int count(String text);
}
