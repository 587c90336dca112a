/** The records that travel between the parts: documents, chunks, hits, answers, citations, filters and who reads. */
package io.knowhow.core.model;
