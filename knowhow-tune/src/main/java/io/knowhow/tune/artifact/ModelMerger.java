package io.knowhow.tune.artifact;

import io.knowhow.tune.model.DecoderModel;
import io.knowhow.tune.model.LoraWeights;

import java.nio.file.Path;

/**
 * Folds a LoRA adapter into its base model ({@code W += scaling · B·A} for every targeted projection) and
 * writes the result as a standalone Hugging Face model directory in f32.
 */
public final class ModelMerger {
    private ModelMerger() {}

    /**
     * Merges the adapter in {@code adapterDir} into the model in {@code baseDir} and writes it to {@code outDir}.
     *
     * @return {@code outDir}
     */
    public static Path merge(Path baseDir, Path adapterDir, Path outDir) {
        try (DecoderModel model = DecoderModel.load(baseDir)) {
            LoraWeights lora = PeftAdapter.read(adapterDir, model.config(), model.manager());
            model.mergeLora(lora);
            HfModelWriter.write(outDir, model.weights(), baseDir);
        }
        return outDir;
    }
}
