package io.knowhow.app.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The fine-tuned generator of strategies {@code tuned} and {@code tuned-rag}.
 *
 * @param model        the model directory; empty when nothing was tuned yet
 * @param adapter      a LoRA adapter applied to it
 * @param decoding     f32, q8 or libtorch
 * @param maxNewTokens most tokens per answer
 */
public record TunedSettings(Optional<Path> model, Optional<Path> adapter, String decoding, int maxNewTokens) {
    public static TunedSettings fromConfig(KnowhowConfig config) {
        return new TunedSettings(config.get(ConfigKeys.TUNED_MODEL).map(Path::of), config.get(ConfigKeys.TUNED_ADAPTER).map(Path::of),
                config.text(ConfigKeys.TUNED_DECODING), config.integer(ConfigKeys.TUNED_MAX_NEW_TOKENS));
    }
}
