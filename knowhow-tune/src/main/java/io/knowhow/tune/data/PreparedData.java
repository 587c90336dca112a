package io.knowhow.tune.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Encoded examples split into training and validation sets, with what preparation had to change.
 *
 * @param train      training examples
 * @param validation validation examples (empty when the fraction is 0 or there is only one example)
 * @param truncated  examples cut to the maximum sequence length (kept if a target token remained)
 * @param dropped    examples left out because truncation removed every target token
 */
public record PreparedData(List<EncodedExample> train, List<EncodedExample> validation, int truncated, int dropped) {
    public PreparedData {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
    }

    /**
     * Drops examples without targets, then shuffles with {@code seed} and puts
     * {@code round(n · valFraction)} of them (at least one when the fraction is positive and there are
     * two or more examples) into validation.
     *
     * @throws TrainingDataException when no example is left to train on
     */
    public static PreparedData split(List<EncodedExample> encoded, double valFraction, long seed, String source) {
        int truncated = 0, dropped = 0;
        List<EncodedExample> usable = new ArrayList<>();
        List<Integer> droppedLines = new ArrayList<>();
        for (EncodedExample e : encoded) {
            if (e.truncated()) truncated++;
            if (e.targetCount() == 0) {
                dropped++;
                droppedLines.add(e.line());
            } else {
                usable.add(e);
            }
        }
        if (usable.isEmpty())
            throw new TrainingDataException(source + ": no example has an answer token within the maximum sequence length"
                    + (droppedLines.isEmpty() ? "" : " (lines " + droppedLines.subList(0, Math.min(10, droppedLines.size()))
                    + "): raise --max-seq-len or shorten the prompts"));
        List<EncodedExample> shuffled = new ArrayList<>(usable);
        java.util.Collections.shuffle(shuffled, new Random(seed));
        int val = 0;
        if (valFraction > 0 && shuffled.size() >= 2)
            val = (int) Math.max(1, Math.min(shuffled.size() - 1, Math.round(shuffled.size() * valFraction)));
        return new PreparedData(shuffled.subList(val, shuffled.size()), shuffled.subList(0, val), truncated, dropped);
    }
}
