package io.knowhow.app.config;

import io.knowhow.core.model.SearchMode;
import io.knowhow.core.rag.Strategy;

/**
 * The defaults of a question, used when a request leaves them out.
 *
 * @param k        evidence chunks to retrieve
 * @param mode     how to retrieve them
 * @param strategy where the context comes from
 */
public record AskSettings(int k, SearchMode mode, Strategy strategy) {
    public static AskSettings fromConfig(KnowhowConfig config) {
        return new AskSettings(config.integer(ConfigKeys.ASK_K), SearchMode.parse(config.text(ConfigKeys.ASK_MODE)),
                Strategy.parse(config.text(ConfigKeys.ASK_STRATEGY)));
    }
}
