/**
 * Retrieval adaptation of the bundled encoder: (query, passage) pairs → contrastive training with
 * in-batch negatives (LoRA or full) → an artifact that {@link io.knowhow.tuneencoder.embed.TunedEmbedder}
 * serves as knowhow-core's {@code Embedder} port.
 */
package io.knowhow.tuneencoder.embed;
