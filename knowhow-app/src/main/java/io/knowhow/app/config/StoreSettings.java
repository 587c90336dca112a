package io.knowhow.app.config;

import java.time.Duration;

/**
 * Which store holds the chunks and how writers share it.
 *
 * @param kind      the {@code store.kind}: the name a {@link io.knowhow.core.port.StoreProvider} registers
 * @param writeWait how long a writer waits for another writer before failing as busy
 */
public record StoreSettings(String kind, Duration writeWait) {
    public static StoreSettings fromConfig(KnowhowConfig config) {
        return new StoreSettings(config.text(ConfigKeys.STORE_KIND).strip(),
                Duration.ofSeconds(config.integer(ConfigKeys.STORE_WAIT_SECONDS)));
    }
}
