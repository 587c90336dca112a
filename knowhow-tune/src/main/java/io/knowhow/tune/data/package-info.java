/**
 * Training data: reading and validating JSONL files of conversations or input/output pairs, laying
 * them out with the model's chat template, tokenizing with a loss mask on the assistant's tokens,
 * truncating to the maximum sequence length, and the seeded train/validation split.
 */
package io.knowhow.tune.data;
