/**
 * Checks an answer against its evidence: parses and validates {@code [n]} citation markers, and judges
 * sentence by sentence whether the cited (or best) evidence supports what is said.
 */
package io.knowhow.core.grounding;
