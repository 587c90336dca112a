/** JMH micro-benchmarks of the hot loops ({@code bench/run jmh}). */
package io.knowhow.bench.jmh;
