package io.knowhow.tune.data;

import io.knowhow.tune.model.ChatTemplate;
import io.knowhow.tune.model.TextTokenizer;

import java.util.Arrays;
import java.util.List;

/**
 * Turns a training example into token ids and a loss mask: the chat template lays the conversation
 * out in segments, each segment is tokenized on its own (as generation does), and the tokens of the
 * assistant's segments are the targets. Sequences longer than the limit are cut at the end.
 */
public final class ExampleEncoder {
    private final ChatTemplate template;
    private final TextTokenizer tokenizer;
    private final int maxSeqLen;

    public ExampleEncoder(ChatTemplate template, TextTokenizer tokenizer, int maxSeqLen) {
        if (maxSeqLen < 2) throw new IllegalArgumentException("maxSeqLen must be at least 2, got " + maxSeqLen);
        this.template = template;
        this.tokenizer = tokenizer;
        this.maxSeqLen = maxSeqLen;
    }

    public EncodedExample encode(TrainingExample example) {
        int[] tokens = new int[64];
        boolean[] targets = new boolean[64];
        int n = 0;
        for (ChatTemplate.Segment s : template.conversation(example.messages())) {
            for (int id : tokenizer.encode(s.text())) {
                if (n == tokens.length) {
                    tokens = Arrays.copyOf(tokens, n * 2);
                    targets = Arrays.copyOf(targets, n * 2);
                }
                tokens[n] = id;
                targets[n++] = s.trained();
            }
        }
        boolean truncated = n > maxSeqLen;
        int len = Math.min(n, maxSeqLen);
        return new EncodedExample(Arrays.copyOf(tokens, len), Arrays.copyOf(targets, len), example.line(), truncated);
    }

    /** Encodes all examples in order. */
    public List<EncodedExample> encodeAll(List<TrainingExample> examples) {
        return examples.stream().map(this::encode).toList();
    }
}
