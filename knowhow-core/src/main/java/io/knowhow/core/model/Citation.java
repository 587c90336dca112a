package io.knowhow.core.model;

import java.util.List;

/**
 * A chunk an answer rests on, numbered as the answer's {@code [n]} markers.
 *
 * @param n       the marker number, from 1
 * @param chunkId the stored chunk's id
 * @param source  the chunk's source key
 * @param text    the chunk text
 * @param score   retrieval score of the chunk
 */
public record Citation(int n, String chunkId, String source, List<String> headingPath, String text, double score) {}
