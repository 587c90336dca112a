package io.knowhow.tune;

import java.nio.file.Path;

/**
 * Receives a run's progress, on the training thread, in order. The CLI draws its progress bar from
 * {@link #onStep}. Every method has an empty default, so a listener implements only what it shows.
 */
public interface TuneListener {
    /** A listener that ignores everything. */
    TuneListener NONE = new TuneListener() {};

    /** Called once the data is prepared and the model loaded, before the first step. */
    default void onStart(TunePlan plan) {}

    /** Called after every optimizer step. */
    default void onStep(TuneProgress progress) {}

    /** Called after each epoch's validation pass. */
    default void onEvaluation(int epoch, int step, double validationLoss) {}

    /** Called after a checkpoint was written. */
    default void onCheckpoint(int step, Path checkpoint) {}
}
