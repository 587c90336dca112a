/**
 * Fine-tuning through the knowledge base: one request type for every task (generate, classify, extract,
 * embed), one outcome type, and activation of the result in the knowledge base's configuration.
 */
package io.knowhow.app.tune;
