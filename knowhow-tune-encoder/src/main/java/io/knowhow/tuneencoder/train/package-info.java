/** The training loop shared by the encoder tasks (classify, extract, embed): one loop, one checkpoint and run-log format. */
package io.knowhow.tuneencoder.train;
