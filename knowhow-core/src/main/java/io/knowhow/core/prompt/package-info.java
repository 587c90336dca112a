/**
 * Prompt assembly: turns a question and ranked evidence into chat messages that fit a model's context
 * window, with the evidence numbered and fenced so document text cannot pose as instructions.
 */
package io.knowhow.core.prompt;
