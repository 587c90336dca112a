/**
 * Throughput benchmark of training and generation at a real model's shape, with random weights so it
 * needs no download. A main program, not a test: it takes minutes and its numbers depend on the machine.
 */
package io.knowhow.tune.bench;
