/** Bringing files into a knowledge base: plan, hash, parse, chunk, embed and store in atomic batches, with a report per file. */
package io.knowhow.core.ingest;
