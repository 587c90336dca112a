/**
 * The training loop shared by the encoder tasks (classify, extract, embed): one loop, one checkpoint and
 * run-log format, and {@link io.knowhow.tuneencoder.train.EncoderTuneOptions}, the options of the tasks
 * that train a head on the encoder (classify, extract).
 */
package io.knowhow.tuneencoder.train;
