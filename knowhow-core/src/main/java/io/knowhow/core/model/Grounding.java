package io.knowhow.core.model;

import java.util.List;

/**
 * How well an answer rests on its evidence, sentence by sentence (computed by
 * {@link io.knowhow.core.grounding.GroundingVerifier}).
 *
 * <p>Lives in {@code model} rather than {@code grounding} because {@link Answer} carries it, and the
 * model package depends on nothing else in core.
 *
 * @param grounded             true when every sentence with content words is supported by the evidence
 *                             (the abstention sentence always is)
 * @param unsupportedSentences the sentences no evidence supports, markers removed, in answer order
 * @param invalidCitations     marker numbers that point at no evidence, distinct, in order of first use
 * @param supportRatio         supported sentences / sentences checked, in [0, 1]; 1 when none was checked
 */
public record Grounding(boolean grounded, List<String> unsupportedSentences, List<Integer> invalidCitations,
                        double supportRatio) {
    /** The verdict for an abstention: nothing was claimed, so nothing is unsupported. */
    public static final Grounding ABSTAINED = new Grounding(true, List.of(), List.of(), 1.0);

    public Grounding {
        unsupportedSentences = List.copyOf(unsupportedSentences == null ? List.of() : unsupportedSentences);
        invalidCitations = List.copyOf(invalidCitations == null ? List.of() : invalidCitations);
        if (!(supportRatio >= 0 && supportRatio <= 1))
            throw new IllegalArgumentException("supportRatio must be in [0, 1], got " + supportRatio);
    }
}
