package io.knowhow.core.model;

/** A retrieved chunk and its score (higher is better; the scale depends on the search mode). */
public record Hit(Chunk chunk, double score) {}
