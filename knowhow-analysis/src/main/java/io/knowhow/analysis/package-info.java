/**
 * Text analysis shared by search and answering: one Lucene chain ({@link io.knowhow.analysis.EnglishCjkAnalyzer})
 * that turns English and CJK text into the same terms wherever knowhow compares words, and
 * {@link io.knowhow.analysis.AnalyzedText}, the analysed tokens of one text with their positions, for
 * term and phrase matching outside an index.
 */
package io.knowhow.analysis;
