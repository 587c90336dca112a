package io.knowhow.eval.advise;

import java.util.List;

/**
 * What {@code knowhow advise} says.
 *
 * @param recommendation rag, fine-tuning, full-context or prompt-engineering
 * @param also           approaches to combine with it (fine-tune for behaviour, RAG for knowledge), in order
 * @param steps          the five steps, in order
 * @param wouldChange    what, if it were different, would change the recommendation
 * @param costs          the cost table
 */
public record Advice(String recommendation, List<String> also, List<Step> steps, List<String> wouldChange, CostModel.Table costs) {
    public Advice {
        also = List.copyOf(also);
        steps = List.copyOf(steps);
        wouldChange = List.copyOf(wouldChange);
    }
}
