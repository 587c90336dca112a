package io.knowhow.store.solr;

import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.EmbeddedChunk;
import io.knowhow.core.model.SourceChange;
import io.knowhow.core.model.SourceRecord;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrInputDocument;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The Solr documents of a {@link SolrKnowledgeStore}: field names, ids, and the mapping between records and
 * documents in both directions. The configset's {@code schema.xml} describes the fields; a change here that
 * old collections cannot read needs a new {@link SolrKnowledgeStore#FORMAT_VERSION}.
 */
final class SolrLayout {
    static final String ID = "id";
    static final String VERSION_FIELD = "_version_";
    static final String KIND = "kind";
    static final String KIND_CHUNK = "chunk";
    static final String KIND_SOURCE = "source";
    static final String KIND_META = "meta";
    static final String KIND_LOCK = "lock";

    /** The source key, on chunks and manifest entries: one delete-by-query removes a source and all its chunks. */
    static final String SOURCE = "source";
    /** Which write a chunk belongs to; on a manifest entry, the write whose chunks are current. */
    static final String VERSION = "version";

    static final String CHUNK_ID = "chunkId";
    static final String ORDINAL = "ordinal";
    static final String TEXT = "text";
    /** The BM25 field: headings and text analyzed together, as in the embedded store. */
    static final String CONTENT = "content";
    static final String HEADING_PATH = "headingPath";
    static final String TAGS = "tags";
    static final String ACCESS_GROUPS = "accessGroups";
    /** Set on chunks without access groups; a field of its own so that no group name can collide with it. */
    static final String PUBLIC = "public";
    static final String PUBLIC_VALUE = "true";
    static final String START_CHAR = "startChar";
    static final String END_CHAR = "endChar";
    static final String TOKEN_COUNT = "tokenCount";
    static final String LANGUAGE = "language";
    static final String VECTOR = "vector";

    static final String CONTENT_HASH = "contentHash";
    static final String SIZE_BYTES = "sizeBytes";
    static final String CHUNK_COUNT = "chunkCount";
    static final String INGESTED_AT = "ingestedAt";
    static final String SOURCE_TAGS = "sourceTags";
    static final String SOURCE_ACCESS_GROUPS = "sourceAccessGroups";
    static final String FIRST_SEEN_AT = "firstSeenAt";
    static final String KIND_CHANGE = "change";
    static final String CHANGE_SOURCE = "changeSource";
    static final String CHANGE_KIND = "changeKind";
    static final String CHANGE_HASH = "changeHash";
    static final String CHANGE_AT = "changeAt";
    static final String CHANGE_FIELDS = String.join(",", "changeSource", "changeKind", "changeHash", "changeAt");

    static final String FORMAT = "format";
    static final String EMBEDDER = "embedder";
    static final String DIMENSION = "dimension";

    static final String OWNER = "owner";
    static final String HOLDER = "holder";

    /** Route prefix of the documents that belong to no source. */
    static final String KNOWHOW_ROUTE = "knowhow";
    static final String META_ID = KNOWHOW_ROUTE + "!meta";
    static final String LOCK_ID = KNOWHOW_ROUTE + "!lock";

    /** The stored fields a hit or a chunk listing needs (not the vector, not the analyzed content). */
    static final String CHUNK_FIELDS = String.join(",", CHUNK_ID, SOURCE, ORDINAL, TEXT, HEADING_PATH, START_CHAR, END_CHAR,
            TOKEN_COUNT, TAGS, ACCESS_GROUPS, LANGUAGE);
    static final String SOURCE_FIELDS = String.join(",", SOURCE, CONTENT_HASH, SIZE_BYTES, CHUNK_COUNT, INGESTED_AT, SOURCE_TAGS,
            SOURCE_ACCESS_GROUPS, VERSION, "firstSeenAt");

    private SolrLayout() {}

    /**
     * The compositeId route of a source: the hex SHA-256 of its key. Every document of the source starts its id
     * with it, so they hash to one shard; a hash rather than the key itself because a key may hold the '!' and
     * '/' that compositeId gives a meaning.
     */
    static String route(String source) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    /** The {@code _route_} parameter that keeps a query about one source on its shard. */
    static String routeParam(String source) {
        return route(source) + "!";
    }

    static String sourceDocId(String source) {
        return route(source) + "!source";
    }

    static String chunkDocId(String source, String version, int index) {
        return route(source) + "!" + version + "." + index;
    }

    static SolrInputDocument chunkDocument(EmbeddedChunk embedded, String version, int index) {
        Chunk chunk = embedded.chunk();
        SolrInputDocument doc = new SolrInputDocument();
        doc.setField(ID, chunkDocId(chunk.source(), version, index));
        doc.setField(KIND, KIND_CHUNK);
        doc.setField(SOURCE, chunk.source());
        doc.setField(VERSION, version);
        doc.setField(CHUNK_ID, chunk.id());
        doc.setField(ORDINAL, chunk.ordinal());
        doc.setField(TEXT, chunk.text());
        doc.setField(CONTENT, searchableText(chunk));
        if (!chunk.headingPath().isEmpty()) doc.setField(HEADING_PATH, new ArrayList<>(chunk.headingPath()));
        if (!chunk.tags().isEmpty()) doc.setField(TAGS, sorted(chunk.tags()));
        if (!chunk.accessGroups().isEmpty()) doc.setField(ACCESS_GROUPS, sorted(chunk.accessGroups()));
        else doc.setField(PUBLIC, PUBLIC_VALUE);
        doc.setField(START_CHAR, chunk.startChar());
        doc.setField(END_CHAR, chunk.endChar());
        doc.setField(TOKEN_COUNT, chunk.tokenCount());
        if (!chunk.language().isEmpty()) doc.setField(LANGUAGE, chunk.language());
        List<Float> vector = new ArrayList<>(embedded.vector().length);
        for (float x : embedded.vector()) vector.add(x);
        doc.setField(VECTOR, vector);
        return doc;
    }

    static SolrInputDocument sourceDocument(SourceRecord source, String version) {
        SolrInputDocument doc = new SolrInputDocument();
        doc.setField(ID, sourceDocId(source.source()));
        doc.setField(KIND, KIND_SOURCE);
        doc.setField(SOURCE, source.source());
        doc.setField(VERSION, version);
        doc.setField(CONTENT_HASH, source.contentHash());
        doc.setField(SIZE_BYTES, source.sizeBytes());
        doc.setField(CHUNK_COUNT, source.chunkCount());
        // Instant.toString keeps nanoseconds; a Solr date would keep milliseconds.
        if (source.ingestedAt() != null) doc.setField(INGESTED_AT, source.ingestedAt().toString());
        if (source.firstSeenAt() != null) doc.setField(FIRST_SEEN_AT, source.firstSeenAt().toString());
        if (!source.tags().isEmpty()) doc.setField(SOURCE_TAGS, sorted(source.tags()));
        if (!source.accessGroups().isEmpty()) doc.setField(SOURCE_ACCESS_GROUPS, sorted(source.accessGroups()));
        return doc;
    }

    static Chunk toChunk(SolrDocument doc) {
        return new Chunk((String) doc.getFirstValue(CHUNK_ID), (String) doc.getFirstValue(SOURCE), intValue(doc, ORDINAL),
                (String) doc.getFirstValue(TEXT), strings(doc, HEADING_PATH), intValue(doc, START_CHAR), intValue(doc, END_CHAR),
                intValue(doc, TOKEN_COUNT), Set.copyOf(strings(doc, TAGS)), Set.copyOf(strings(doc, ACCESS_GROUPS)),
                (String) doc.getFirstValue(LANGUAGE));
    }

    static SourceRecord toSource(SolrDocument doc) {
        Object ingestedAt = doc.getFirstValue(INGESTED_AT);
        Object firstSeenAt = doc.getFirstValue(FIRST_SEEN_AT);
        Instant ingested = ingestedAt == null ? null : Instant.parse((String) ingestedAt);
        return new SourceRecord((String) doc.getFirstValue(SOURCE), (String) doc.getFirstValue(CONTENT_HASH),
                ((Number) doc.getFirstValue(SIZE_BYTES)).longValue(), intValue(doc, CHUNK_COUNT),
                ingested, firstSeenAt == null ? ingested : Instant.parse((String) firstSeenAt),
                Set.copyOf(strings(doc, SOURCE_TAGS)), Set.copyOf(strings(doc, SOURCE_ACCESS_GROUPS)));
    }

    /** A change of the history; its id is unique, so a retried request writes it once. */
    static SolrInputDocument changeDocument(SourceChange change, String id) {
        SolrInputDocument doc = new SolrInputDocument();
        doc.setField(ID, "change!" + id);
        doc.setField(KIND, KIND_CHANGE);
        doc.setField(CHANGE_SOURCE, change.source());
        doc.setField(CHANGE_KIND, change.kind().name());
        doc.setField(CHANGE_HASH, change.contentHash());
        doc.setField(CHANGE_AT, change.at().toString());
        return doc;
    }

    static SourceChange toChange(SolrDocument doc) {
        return new SourceChange(Instant.parse((String) doc.getFirstValue(CHANGE_AT)), (String) doc.getFirstValue(CHANGE_SOURCE),
                SourceChange.Kind.valueOf((String) doc.getFirstValue(CHANGE_KIND)), (String) doc.getFirstValue(CHANGE_HASH));
    }

    static float[] toVector(SolrDocument doc) {
        Collection<Object> values = doc.getFieldValues(VECTOR);
        if (values == null) throw new IllegalStateException("chunk document " + doc.getFirstValue(ID) + " has no stored vector");
        float[] v = new float[values.size()];
        int i = 0;
        for (Object o : values) v[i++] = ((Number) o).floatValue();
        return v;
    }

    /** The text BM25 searches: the headings (outermost first), then the text, as the embedded store indexes it. */
    static String searchableText(Chunk chunk) {
        if (chunk.headingPath().isEmpty()) return chunk.text();
        return String.join("\n", chunk.headingPath()) + "\n" + chunk.text();
    }

    static int intValue(SolrDocument doc, String field) {
        return ((Number) doc.getFirstValue(field)).intValue();
    }

    static List<String> strings(SolrDocument doc, String field) {
        Collection<Object> values = doc.getFieldValues(field);
        if (values == null) return List.of();
        List<String> list = new ArrayList<>(values.size());
        for (Object o : values) list.add((String) o);
        return list;
    }

    // Sets iterate in an unspecified order; sorting keeps a document a function of its record.
    private static List<String> sorted(Set<String> values) {
        List<String> list = new ArrayList<>(values);
        list.sort(null);
        return list;
    }
}
