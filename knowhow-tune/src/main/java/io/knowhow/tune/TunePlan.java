package io.knowhow.tune;

/**
 * What a run is about to do, reported before the first step.
 *
 * @param method              LoRA or full
 * @param chatTemplate        the chat layout used (chatml, llama3, mistral)
 * @param trainExamples       examples trained on
 * @param validationExamples  examples held out
 * @param truncatedExamples   examples cut to the maximum sequence length
 * @param droppedExamples     examples left out because no answer token survived truncation
 * @param stepsPerEpoch       optimizer steps per epoch
 * @param totalSteps          optimizer steps of the whole run
 * @param startStep           steps already done (non-zero when resuming)
 * @param trainableParameters values the optimizer updates
 * @param totalParameters     values of the base model
 */
public record TunePlan(TuneOptions.Method method, String chatTemplate, int trainExamples, int validationExamples,
                       int truncatedExamples, int droppedExamples, int stepsPerEpoch, int totalSteps, int startStep,
                       long trainableParameters, long totalParameters) {}
