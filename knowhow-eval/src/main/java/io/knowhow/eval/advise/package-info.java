/**
 * The reference's five-step decision framework, each step answered by the user or measured on the knowledge base
 * ({@link io.knowhow.eval.advise.Advisor}), and the total-cost-of-ownership model behind its cost table
 * ({@link io.knowhow.eval.advise.CostModel}).
 */
package io.knowhow.eval.advise;
