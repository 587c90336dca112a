package io.knowhow.core.port;

import io.knowhow.core.model.Hit;
import io.knowhow.core.model.SearchRequest;

import java.util.List;

/** Finds the chunks that best match a request. */
public interface Retriever {
    List<Hit> retrieve(SearchRequest request);
}
