/**
 * Measurements of encoder fine-tuning on real data: Banking77 classification and SQuAD retrieval before and
 * after ({@code EncoderBench}), Restaurant-8k slot extraction ({@code ExtractBench}).
 */
package io.knowhow.tuneencoder.bench;
