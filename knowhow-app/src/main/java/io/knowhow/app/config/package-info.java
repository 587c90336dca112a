/**
 * Configuration: the registry of every key ({@link io.knowhow.app.config.ConfigKeys}), the knowledge base's
 * {@code config.yaml} with environment overrides ({@link io.knowhow.app.config.KnowhowConfig}), and typed
 * settings records each part is built from.
 */
package io.knowhow.app.config;
