package io.knowhow.eval.compare;

import io.knowhow.eval.metrics.Sample;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A metric's spread over {@code --repeat N} runs of a non-deterministic generator, and pass^N: the share of
 * questions answered correctly in every one of the N runs (the reliability a user sees when asking again).
 *
 * @param runs    N
 * @param mean    per metric, the mean over the runs (metrics undefined in a run are left out of it)
 * @param stddev  per metric, the sample standard deviation over the runs
 * @param min     per metric, the lowest run
 * @param max     per metric, the highest run
 * @param passAll pass^N
 */
public record Repeats(int runs, Map<String, Double> mean, Map<String, Double> stddev, Map<String, Double> min,
                      Map<String, Double> max, Double passAll) {
    public static Repeats of(List<Metrics> perRun, List<CaseResult> allCases) {
        Map<String, Double> mean = new LinkedHashMap<>(), sd = new LinkedHashMap<>(), min = new LinkedHashMap<>(), max = new LinkedHashMap<>();
        for (String name : perRun.get(0).named().keySet()) {
            List<Double> v = new ArrayList<>();
            for (Metrics m : perRun) if (m.named().get(name) != null) v.add(m.named().get(name));
            if (v.isEmpty()) {
                mean.put(name, null);
                sd.put(name, null);
                min.put(name, null);
                max.put(name, null);
                continue;
            }
            double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
            mean.put(name, Metrics.round(Sample.mean(a)));
            sd.put(name, Metrics.round(Sample.stddev(a)));
            min.put(name, Metrics.round(java.util.Arrays.stream(a).min().orElseThrow()));
            max.put(name, Metrics.round(java.util.Arrays.stream(a).max().orElseThrow()));
        }
        Map<String, int[]> byCase = new LinkedHashMap<>(); // case → {runs scored, runs correct}
        for (CaseResult r : allCases) {
            int[] c = byCase.computeIfAbsent(r.caseId(), k -> new int[2]);
            if (r.scored()) {
                c[0]++;
                if (r.correct()) c[1]++;
            }
        }
        int considered = 0, passed = 0;
        for (int[] c : byCase.values()) {
            if (c[0] < perRun.size()) continue; // a case unscored in some run cannot pass every run
            considered++;
            if (c[1] == perRun.size()) passed++;
        }
        Double passAll = considered == 0 ? null : Metrics.round((double) passed / considered);
        return new Repeats(perRun.size(), nullable(mean), nullable(sd), nullable(min), nullable(max), passAll);
    }

    private static Map<String, Double> nullable(Map<String, Double> m) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }
}
