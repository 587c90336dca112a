/** End-to-end benchmark programs that print a table (run with {@code bench/run PROGRAM}); figures go to docs/benchmarks.md. */
package io.knowhow.bench;
