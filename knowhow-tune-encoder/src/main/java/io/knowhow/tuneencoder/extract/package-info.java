/**
 * Extracts slot values from a text into a fixed schema, by token classification: the encoder's word-piece
 * vectors get a linear head that tags each piece B-slot, I-slot or O, and the tagged spans are cut out of
 * the text. Data: {@link io.knowhow.tuneencoder.extract.SlotData} (the Restaurant-8k JSON layout);
 * training: {@link io.knowhow.tuneencoder.extract.ExtractorTrainer}; use:
 * {@link io.knowhow.tuneencoder.extract.Extractor#load} and {@link io.knowhow.tuneencoder.extract.Extractor#extract}.
 */
package io.knowhow.tuneencoder.extract;
