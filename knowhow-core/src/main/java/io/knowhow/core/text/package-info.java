/** Word-level text handling (tokens, stop words, stemming, key terms) shared across the pipeline. */
package io.knowhow.core.text;
