package io.knowhow.llm.openai;

import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.EmbeddedChunk;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.SearchRequest;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.core.port.KnowledgeStore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A knowledge store in a map, ranking by dot product with the query vector (text ranking is not needed here). */
final class InMemoryKnowledgeStore implements KnowledgeStore {
    private final Map<String, SourceRecord> sources = new LinkedHashMap<>();
    private final Map<String, List<EmbeddedChunk>> chunks = new LinkedHashMap<>();

    @Override
    public synchronized void replaceSources(List<io.knowhow.core.model.SourceUpdate> updates) {
        for (var u : updates) {
            sources.put(u.source().source(), u.source());
            chunks.put(u.source().source(), u.chunks());
        }
    }

    @Override
    public synchronized boolean deleteSource(String source) {
        chunks.remove(source);
        return sources.remove(source) != null;
    }

    @Override
    public synchronized List<Hit> retrieve(SearchRequest request) {
        List<Hit> hits = new ArrayList<>();
        for (var e : chunks.entrySet()) {
            if (!request.filter().sources().isEmpty() && !request.filter().sources().contains(e.getKey())) continue;
            for (EmbeddedChunk c : e.getValue()) {
                double score = 0;
                for (int i = 0; i < c.vector().length; i++) score += c.vector()[i] * request.vector()[i];
                if (score > 0) hits.add(new Hit(c.chunk(), score));
            }
        }
        hits.sort(Comparator.comparingDouble(Hit::score).reversed());
        return hits.subList(0, Math.min(request.k(), hits.size()));
    }

    @Override
    public synchronized List<SourceRecord> sources() {
        return List.copyOf(sources.values());
    }

    @Override
    public synchronized Optional<SourceRecord> source(String source) {
        return Optional.ofNullable(sources.get(source));
    }

    @Override
    public synchronized List<Chunk> chunks(String source) {
        return chunks.getOrDefault(source, List.of()).stream().map(EmbeddedChunk::chunk).toList();
    }

    @Override
    public List<io.knowhow.core.model.SourceChange> changes() {
        return List.of();
    }

    @Override
    public void purgeDeleted() {}

    @Override
    public void close() {}
}
