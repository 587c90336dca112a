package io.knowhow.eval.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code --fail-under accuracy=0.8,hallucination_rate<=0.05}: conditions on each available strategy's metrics that
 * set the exit status for CI. {@code name=v} and {@code name>=v} require at least v; {@code name<=v} at most v.
 * A metric that is undefined for a strategy (no sources, no schema) fails its condition: a gate never passes on
 * missing evidence.
 */
public record Thresholds(List<Condition> conditions) {
    private static final Set<String> NAMES = Set.of("accuracy", "exact_match", "f1", "hallucination_rate", "abstention_rate",
            "citation_precision", "citation_recall", "format_adherence", "tokens_per_1k", "cost_per_1k");

    public record Condition(String metric, boolean atMost, double value) {
        @Override
        public String toString() {
            return metric + (atMost ? "<=" : ">=") + value;
        }
    }

    public Thresholds {
        conditions = List.copyOf(conditions);
    }

    public static Thresholds parse(String spec) {
        List<Condition> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) continue;
            boolean atMost = p.contains("<=");
            String[] kv = p.split(atMost ? "<=" : p.contains(">=") ? ">=" : "=", 2);
            if (kv.length != 2) throw new IllegalArgumentException("--fail-under: '" + p + "' is not metric=value, metric>=value or metric<=value");
            String name = kv[0].strip().toLowerCase(Locale.ROOT).replace('-', '_');
            if (!NAMES.contains(name))
                throw new IllegalArgumentException("--fail-under: unknown metric '" + kv[0].strip() + "'; known: " + String.join(", ", NAMES.stream().sorted().toList()));
            try {
                out.add(new Condition(name, atMost, Double.parseDouble(kv[1].strip())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--fail-under: '" + kv[1].strip() + "' in '" + p + "' is not a number");
            }
        }
        if (out.isEmpty()) throw new IllegalArgumentException("--fail-under: no condition given");
        return new Thresholds(out);
    }

    /** The failed conditions, one line each ("rag: accuracy 0.71 < 0.8"); empty when every strategy passes. */
    public List<String> failures(ComparisonReport report) {
        List<String> failed = new ArrayList<>();
        for (StrategyReport s : report.strategies()) {
            if (!s.available()) continue;
            Map<String, Double> m = s.metrics().named();
            for (Condition c : conditions) {
                Double v = m.get(c.metric());
                if (v == null) failed.add(s.strategy() + ": " + c.metric() + " is undefined (no case measures it), required " + (c.atMost() ? "<= " : ">= ") + c.value());
                else if (c.atMost() ? v > c.value() : v < c.value())
                    failed.add(s.strategy() + ": " + c.metric() + " " + v + (c.atMost() ? " > " : " < ") + c.value());
            }
        }
        return failed;
    }
}
