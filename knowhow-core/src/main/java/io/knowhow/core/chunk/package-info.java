/** Cutting documents into chunks that fit the embedding model: whole sentences, a token budget, overlap. */
package io.knowhow.core.chunk;
