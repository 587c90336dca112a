/** The QA file format of {@code knowhow eval compare} (versioned JSONL, docs/eval-format.md) and labelled pairs for {@code advise}. */
package io.knowhow.eval.qa;
