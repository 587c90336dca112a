package io.knowhow.eval.advise;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Walks the reference's decision framework, in its order:
 * <ol>
 *   <li>Does your knowledge change frequently (weekly or more)? Yes: RAG.</li>
 *   <li>Do you need to cite sources? Yes: RAG.</li>
 *   <li>Is the task highly repetitive with a fixed output format? Yes: fine-tuning.</li>
 *   <li>Is the model's baseline behaviour consistently wrong for your domain? Yes: fine-tuning. No: try prompt engineering first.</li>
 *   <li>Is the full knowledge corpus under 2 million tokens? Yes: consider full-context injection. No: RAG.</li>
 * </ol>
 * "If none of the above applies, start with a well-engineered system prompt." Every step is answered, not only the
 * first yes, because the reference also says "fine-tune for behaviour, RAG for knowledge": a yes at step 3 or 4 after
 * step 1 or 2 chose RAG puts fine-tuning into {@link Advice#also()} (the hybrid), and a small corpus adds full-context.
 * An unknown answer counts as no, and the reason says so.
 */
public final class Advisor {
    /** The reference's threshold for full-context injection. */
    public static final long FULL_CONTEXT_LIMIT = 2_000_000;

    static final String Q1 = "Does your knowledge change frequently (weekly or more)?";
    static final String Q2 = "Do you need to cite sources or show your work?";
    static final String Q3 = "Is the task highly repetitive with a fixed output format?";
    static final String Q4 = "Is the model's baseline behaviour consistently wrong for your domain?";
    static final String Q5 = "Is your full knowledge corpus under 2 million tokens?";

    private Advisor() {}

    public static Advice advise(AdviseInput in, CostModel.Table costs) {
        Decision d = decide(in);
        return new Advice(d.recommendation, d.also, steps(in), wouldChange(in, d), costs);
    }

    record Decision(String recommendation, List<String> also) {}

    static Decision decide(AdviseInput in) {
        boolean changes = in.changes().map(f -> f.value().weeklyOrMore()).orElse(false);
        boolean cite = in.cite().map(Finding::value).orElse(false);
        boolean format = in.fixedFormat().map(Finding::value).orElse(false);
        boolean wrong = in.baselineWrong().map(Finding::value).orElse(false);
        Optional<Long> corpus = in.corpusTokens().map(Finding::value).filter(t -> t > 0);
        String rec = null;
        List<String> also = new ArrayList<>();
        if (changes || cite) rec = "rag";
        if (format || wrong) {
            if (rec == null) rec = "fine-tuning";
            else also.add("fine-tuning");
        }
        if (rec == null) {
            if (corpus.isEmpty()) rec = "prompt-engineering";
            else {
                rec = corpus.get() < FULL_CONTEXT_LIMIT ? "full-context" : "rag";
                also.add("prompt-engineering");
            }
        } else if (corpus.isPresent()) {
            String knowledge = corpus.get() < FULL_CONTEXT_LIMIT ? "full-context" : "rag";
            if (!knowledge.equals(rec) && !also.contains(knowledge)) also.add(knowledge);
        }
        return new Decision(rec, also);
    }

    static List<Step> steps(AdviseInput in) {
        List<Step> steps = new ArrayList<>();
        steps.add(in.changes().map(f -> new Step(1, Q1, f.value().weeklyOrMore() ? "yes" : "no", f.measured(),
                        "changes " + f.value().label() + " (" + f.basis() + "): "
                                + (f.value().weeklyOrMore() ? "RAG — update the index and the next answer is right" : "stable enough; continue")))
                .orElse(new Step(1, Q1, "unknown", false, in.changesUnknown() + "; taken as no")));
        steps.add(in.cite().map(f -> new Step(2, Q2, yes(f.value()), f.measured(),
                        f.basis() + ": " + (f.value() ? "RAG — answers cite the chunks they rest on" : "no citations needed; continue")))
                .orElse(new Step(2, Q2, "unknown", false, "not given (--cite yes|no); taken as no")));
        steps.add(in.fixedFormat().map(f -> new Step(3, Q3, yes(f.value()), f.measured(),
                        f.basis() + ": " + (f.value() ? "fine-tuning — a fixed format is behaviour, best held in weights" : "no fixed format; continue")))
                .orElse(new Step(3, Q3, "unknown", false, in.formatUnknown() + "; taken as no")));
        steps.add(in.baselineWrong().map(f -> new Step(4, Q4, yes(f.value()), f.measured(),
                        f.basis() + ": " + (f.value() ? "fine-tuning — teach the behaviour" : "the baseline is usable: try prompt engineering first")))
                .orElse(new Step(4, Q4, "unknown", false, in.baselineUnknown() + "; taken as no: try prompt engineering first")));
        steps.add(in.corpusTokens().map(f -> {
            boolean small = f.value() < FULL_CONTEXT_LIMIT;
            return new Step(5, Q5, yes(small), f.measured(), String.format(Locale.ROOT, "%,d tokens (%s): %s", f.value(), f.basis(),
                    small ? "consider full-context injection (a 1M–5M-token window holds it)" : "too large for a window: RAG"));
        }).orElse(new Step(5, Q5, "unknown", false, in.corpusUnknown())));
        return steps;
    }

    /** Flips each step's answer in turn and says which flips would change the recommendation. */
    static List<String> wouldChange(AdviseInput in, Decision now) {
        List<String> out = new ArrayList<>();
        boolean changes = in.changes().map(f -> f.value().weeklyOrMore()).orElse(false);
        AdviseInput flipped1 = in.withChanges(Finding.given(changes ? ChangeFrequency.MONTHLY : ChangeFrequency.WEEKLY, "flip"));
        note(out, now, decide(flipped1), changes ? "if the knowledge changed less often than weekly" : "if the knowledge changed weekly or more");
        boolean cite = in.cite().map(Finding::value).orElse(false);
        note(out, now, decide(in.withCite(Finding.given(!cite, "flip"))), cite ? "if answers did not need to cite sources" : "if answers had to cite sources");
        boolean format = in.fixedFormat().map(Finding::value).orElse(false);
        note(out, now, decide(in.withFixedFormat(Finding.given(!format, "flip"))),
                format ? "if the task had no fixed output format" : "if the task were repetitive with a fixed output format");
        boolean wrong = in.baselineWrong().map(Finding::value).orElse(false);
        note(out, now, decide(in.withBaselineWrong(Finding.given(!wrong, "flip"))),
                wrong ? "if the model's baseline behaviour were right for your domain" : "if the model's baseline behaviour were consistently wrong");
        Optional<Long> corpus = in.corpusTokens().map(Finding::value);
        if (corpus.isPresent()) {
            boolean small = corpus.get() < FULL_CONTEXT_LIMIT;
            note(out, now, decide(in.withCorpusTokens(Finding.given(small ? FULL_CONTEXT_LIMIT : FULL_CONTEXT_LIMIT - 1, "flip"))),
                    small ? "if the corpus grew past 2 million tokens" : "if the corpus shrank below 2 million tokens");
        } else {
            note(out, now, decide(in.withCorpusTokens(Finding.given(100_000L, "flip"))), "with a knowledge corpus under 2 million tokens");
        }
        return out;
    }

    private static void note(List<String> out, Decision now, Decision other, String condition) {
        if (!other.recommendation().equals(now.recommendation()))
            out.add(condition + ": " + other.recommendation() + (other.also().isEmpty() ? "" : " (also " + String.join(", ", other.also()) + ")")
                    + " instead of " + now.recommendation());
        else if (!other.also().equals(now.also()))
            out.add(condition + ": still " + now.recommendation() + ", " + (other.also().isEmpty() ? "alone" : "with " + String.join(", ", other.also())));
    }

    private static String yes(boolean b) {
        return b ? "yes" : "no";
    }
}
