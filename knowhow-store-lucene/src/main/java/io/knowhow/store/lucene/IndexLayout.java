package io.knowhow.store.lucene;

import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.SourceChange;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.core.port.IncompatibleKnowledgeBaseException;
import io.knowhow.core.port.KnowledgeBaseUnavailableException;
import org.apache.lucene.analysis.Analyzer;
import io.knowhow.analysis.EnglishCjkAnalyzer;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.store.ByteArrayDataInput;
import org.apache.lucene.store.ByteBuffersDataOutput;
import org.apache.lucene.store.DataOutput;
import org.apache.lucene.util.BytesRef;

import java.io.IOException;
import java.io.UncheckedIOException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The on-disk layout of the Lucene store, field by field, and the mapping between records and Lucene
 * documents in both directions. This class is the one description of the format: a change here that
 * old indexes cannot read needs a new {@link #FORMAT_VERSION}.
 *
 * <h2>Knowledge-base directory</h2>
 *
 * <p>Opened through {@link LuceneStoreProvider}, a knowledge base directory {@code KB} holds:
 *
 * <ul>
 *   <li>{@code KB/index/}: the index described below — the only directory readers read.
 *   <li>{@code KB/index.lock}: the writer lock of the knowledge base (a {@code NativeFSLock}: held by the
 *       operating system for as long as the writing process lives, so a killed writer leaves no stale
 *       lock). Every writer — ingest, delete, a build beside the index, a backup — holds it while it works;
 *       readers never wait for it, and take it only for an instant to finish an interrupted swap (below)
 *       when no writer runs.
 *   <li>{@code KB/index.reindex/}: present only while an index is being built beside the current one
 *       ({@code buildBeside}); readers never see it before it is swapped in.
 *   <li>{@code KB/index.previous/}: present only during a swap. A swap renames {@code index} to
 *       {@code index.previous} (or creates an empty {@code index.previous} when there was no index), then
 *       {@code index.reindex} to {@code index}, then deletes {@code index.previous}, syncing the directory
 *       after each step. A process killed in between leaves one of these states, which the next open of
 *       any kind completes or undoes ({@link IndexSwap}): {@code previous + reindex}: the new index is
 *       complete, finish the swap; {@code index + previous}: done, delete the old one;
 *       {@code index + reindex}: a build that was never swapped in, delete it; {@code previous} alone: put
 *       it back; {@code reindex} alone: a first build that never finished, delete it.
 * </ul>
 *
 * <h2>Index</h2>
 *
 * <p>A plain Lucene index (codec {@code Lucene104}; files, checksums and versions are Lucene's). Vectors
 * use the per-field format chosen by {@link LuceneStoreOptions#vectorFormat()}; Lucene records it per
 * segment, so any {@link VectorFormat} opens any index. A writer holds Lucene's {@code write.lock} in it;
 * readers never touch it. An index has a commit point ({@code segments_N}); segment files without one
 * are a damaged index, refused by every open and never replaced by a new index (which would delete
 * them): restore it from a backup.
 *
 * <p>The commit's user data identifies the index ({@link IndexIdentity}):
 *
 * <ul>
 *   <li>{@value #FORMAT_KEY}: the layout version, {@value #FORMAT_VERSION}. Another version is refused with
 *       {@link IncompatibleKnowledgeBaseException}; no key at all means a Lucene index that knowhow did not
 *       write, refused with {@link KnowledgeBaseUnavailableException}.
 *   <li>{@value #EMBEDDER_KEY}: the embedder id the vectors come from.
 *   <li>{@value #DIMENSION_KEY}: the vector length. Opening with another embedder id or dimension is refused
 *       with {@link IncompatibleKnowledgeBaseException}: the vectors would be meaningless.
 * </ul>
 *
 * <p>Each document is one of three kinds. A <b>chunk</b> document ({@code kind=chunk}):
 *
 * <ul>
 *   <li>{@code kind}: keyword {@code chunk}, indexed.
 *   <li>{@code source}: keyword, indexed and stored; the source key, the delete and filter term.
 *   <li>{@code id}: keyword, indexed and stored; {@link Chunk#id()}.
 *   <li>{@code chunkRecord} (format 3): binary doc values, the whole {@link Chunk} ({@link #chunkRecord}): id, source,
 *       ordinal, text exactly as given, heading path (outermost first), start and end character, token count, tags,
 *       access groups, language (ISO 639-1, empty when unknown). Uncompressed, so a search reads its few hits
 *       without decompressing a stored-fields block for each. Segments written in format 2 or 1 have no record and
 *       store these instead: {@code ordinal}, {@code startChar}, {@code endChar}, {@code tokenCount} (ints),
 *       {@code language}, {@code text}, {@code headingPath} (one value per heading), and store the values of
 *       {@code tags} and {@code accessGroups}; {@link ChunkRecords} reads both kinds.
 *   <li>{@code content}: indexed with {@link EnglishCjkAnalyzer} (since format 2; format 1 used Lucene's
 *       EnglishAnalyzer, which has no CJK bigrams and no accent folding), not stored; the headings (outermost first)
 *       then the text, so a question naming a section finds the chunks under it. BM25 searches this.
 *   <li>{@code tags}: keyword, indexed, one value per tag.
 *   <li>{@code accessGroups}: keyword, indexed, one value per group.
 *   <li>{@code public}: keyword {@code true}, indexed, present only when the chunk has no access groups;
 *       a reader-group filter matches it for every reader.
 *   <li>{@code vector}: float vector, {@link VectorSimilarityFunction#DOT_PRODUCT DOT_PRODUCT} (vectors are
 *       L2-normalised, so dot product is cosine), HNSW graph.
 * </ul>
 *
 * <p>A <b>source</b> document ({@code kind=source}), one per source:
 *
 * <ul>
 *   <li>{@code kind}: keyword {@code source}, indexed.
 *   <li>{@code source}: keyword, indexed and stored; the same term as its chunks', which is why one
 *       delete-by-term replaces a source and all its chunks at once.
 *   <li>{@code contentHash}: stored string. {@code sizeBytes}: stored long. {@code chunkCount}: stored int.
 *   <li>{@code ingestedAt}: stored ISO-8601 instant ({@link Instant#toString()}), absent when null.
 *   <li>{@code firstSeenAt}: stored ISO-8601 instant, kept from the first version of the source across its
 *       replacements; absent when null, and in indexes written before it existed, where it reads as
 *       {@code ingestedAt}.
 *   <li>{@code sourceTags}, {@code sourceAccessGroups}: stored only, one value each. They have names of
 *       their own because Lucene requires a field name to be indexed alike in every document.
 * </ul>
 *
 * <p>A <b>change</b> document ({@code kind=change}), one per source written or deleted, added in the same
 * commit as the write it records ({@link io.knowhow.core.model.SourceChange}):
 *
 * <ul>
 *   <li>{@code kind}: keyword {@code change}, indexed.
 *   <li>{@code changeSeq}: long, stored and as numeric doc values; the order of the history (document
 *       order is not kept by merges). Each writer continues from the largest one in the index.
 *   <li>{@code changeAt}: stored ISO-8601 instant of the write.
 *   <li>{@code changeSource}: stored only. Not the indexed {@code source} field, so that replacing or
 *       deleting the source (a delete by its term) leaves its history alone, and a purged source leaves
 *       no term in the index.
 *   <li>{@code changeKind}: stored {@code ADDED}, {@code UPDATED} or {@code REMOVED}.
 *   <li>{@code changeHash}: stored content hash of the version written (removed, for {@code REMOVED}).
 * </ul>
 *
 * <p>Source and change documents have no {@code vector} and an empty {@code content} (no terms: it only makes every
 * document's norm present, which Lucene then keeps dense), so searches never return them. Change documents were added without a new format version: an older knowhow ignores them
 * (it reads chunks and sources by kind) and never deletes them (they carry no source term).
 */
final class IndexLayout {
    /** Version of the layout above, recorded in every commit. */
    static final int FORMAT_VERSION = 3;
    /**
     * The oldest version this one still reads (searches of a format-1 index analyse the query with today's chain:
     * English terms match, CJK ones may not).
     */
    static final int OLDEST_READABLE_FORMAT = 1;
    /**
     * The oldest version this one writes to, recording the current version at its next commit: format 2 differs from
     * 3 only in where a chunk's record is kept, and {@link ChunkRecords} reads both. Older ones need
     * {@code knowhow reindex}, which rebuilds.
     */
    static final int OLDEST_WRITABLE_FORMAT = 2;

    // ---- the knowledge-base directory

    /** The index of a knowledge base, under its directory. */
    static final String INDEX_DIR = "index";
    /** An index being built beside {@link #INDEX_DIR}, until it is swapped in. */
    static final String REINDEX_DIR = "index.reindex";
    /** The index being replaced, during a swap only. */
    static final String PREVIOUS_DIR = "index.previous";
    /** The writer lock of the knowledge base, beside the index so that a swap never moves it. */
    static final String LOCK_FILE = "index.lock";

    // ---- commit user data

    static final String FORMAT_KEY = "knowhow.format";
    static final String EMBEDDER_KEY = "knowhow.embedder";
    static final String DIMENSION_KEY = "knowhow.dimension";

    // ---- documents

    /** Which kind a document is; every document has it. */
    static final String KIND = "kind";
    static final String KIND_CHUNK = "chunk";
    static final String KIND_SOURCE = "source";
    static final String KIND_CHANGE = "change";

    /** The source key, on chunks and sources, so that one delete-by-term removes a source and all its chunks. */
    static final String SOURCE = "source";

    static final String ID = "id";
    static final String ORDINAL = "ordinal";
    static final String TEXT = "text";
    /** The BM25 field: headings and text analyzed together, so a heading's words find its chunks. */
    static final String CONTENT = "content";
    static final String HEADING_PATH = "headingPath";
    static final String TAGS = "tags";
    static final String ACCESS_GROUPS = "accessGroups";
    /**
     * Set on chunks without access groups. A separate field rather than a marker value among the groups,
     * so no group name a user picks can collide with it.
     */
    static final String PUBLIC = "public";
    static final String PUBLIC_VALUE = "true";
    static final String START_CHAR = "startChar";
    static final String END_CHAR = "endChar";
    static final String TOKEN_COUNT = "tokenCount";
    /** Stored ISO 639-1 code of the chunk's language; absent when unknown. */
    static final String LANGUAGE = "language";
    static final String VECTOR = "vector";
    /**
     * The whole chunk record (everything {@link #toChunk} reads), uncompressed, as binary doc values: a search reads
     * its hits from here in a few microseconds each, where the stored fields decompress a block of tens of kilobytes
     * per hit.
     */
    static final String CHUNK_RECORD = "chunkRecord";

    // Source documents store their sets under their own names: Lucene requires one field name to be
    // indexed the same way in every document, and the chunks' tags and groups are indexed for filters.
    static final String CONTENT_HASH = "contentHash";
    static final String SIZE_BYTES = "sizeBytes";
    static final String CHUNK_COUNT = "chunkCount";
    static final String INGESTED_AT = "ingestedAt";
    static final String SOURCE_TAGS = "sourceTags";
    static final String SOURCE_ACCESS_GROUPS = "sourceAccessGroups";
    static final String FIRST_SEEN_AT = "firstSeenAt";

    static final String CHANGE_SEQ = "changeSeq";
    static final String CHANGE_AT = "changeAt";
    static final String CHANGE_SOURCE = "changeSource";
    static final String CHANGE_KIND = "changeKind";
    static final String CHANGE_HASH = "changeHash";

    private IndexLayout() {}

    /** The analyzer of the {@link #CONTENT} field, at index and at query time. */
    static Analyzer analyzer() {
        return new EnglishCjkAnalyzer();
    }

    static Term sourceTerm(String source) {
        return new Term(SOURCE, source);
    }

    static Document chunkDocument(Chunk chunk, float[] vector) {
        Document doc = new Document();
        doc.add(new StringField(KIND, KIND_CHUNK, Field.Store.NO));
        doc.add(new StringField(SOURCE, chunk.source(), Field.Store.YES));
        doc.add(new StringField(ID, chunk.id(), Field.Store.YES));
        doc.add(new TextField(CONTENT, searchableText(chunk), Field.Store.NO));
        for (String tag : sorted(chunk.tags())) doc.add(new StringField(TAGS, tag, Field.Store.NO));
        for (String group : sorted(chunk.accessGroups())) doc.add(new StringField(ACCESS_GROUPS, group, Field.Store.NO));
        if (chunk.accessGroups().isEmpty()) doc.add(new StringField(PUBLIC, PUBLIC_VALUE, Field.Store.NO));
        doc.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.DOT_PRODUCT));
        doc.add(new BinaryDocValuesField(CHUNK_RECORD, chunkRecord(chunk)));
        return doc;
    }

    /** The chunk as {@link #CHUNK_RECORD} holds it: Lucene's own string and vInt encodings, in {@link Chunk}'s field order. */
    static BytesRef chunkRecord(Chunk chunk) {
        ByteBuffersDataOutput out = new ByteBuffersDataOutput();
        try {
            out.writeString(chunk.id());
            out.writeString(chunk.source());
            out.writeVInt(chunk.ordinal());
            out.writeString(chunk.text());
            writeStrings(out, chunk.headingPath());
            out.writeVInt(chunk.startChar());
            out.writeVInt(chunk.endChar());
            out.writeVInt(chunk.tokenCount());
            writeStrings(out, sorted(chunk.tags()));
            writeStrings(out, sorted(chunk.accessGroups()));
            out.writeString(chunk.language());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // memory only
        }
        return new BytesRef(out.toArrayCopy());
    }

    static Chunk toChunk(BytesRef record) throws IOException {
        ByteArrayDataInput in = new ByteArrayDataInput(record.bytes, record.offset, record.length);
        String id = in.readString(), source = in.readString();
        int ordinal = in.readVInt();
        String text = in.readString();
        List<String> headings = readStrings(in);
        int start = in.readVInt(), end = in.readVInt(), tokens = in.readVInt();
        List<String> tags = readStrings(in), groups = readStrings(in);
        return new Chunk(id, source, ordinal, text, headings, start, end, tokens, Set.copyOf(tags), Set.copyOf(groups), in.readString());
    }

    private static void writeStrings(DataOutput out, List<String> values) throws IOException {
        out.writeVInt(values.size());
        for (String v : values) out.writeString(v);
    }

    private static List<String> readStrings(ByteArrayDataInput in) throws IOException {
        int n = in.readVInt();
        List<String> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) values.add(in.readString());
        return values;
    }

    static Document sourceDocument(SourceRecord source) {
        Document doc = new Document();
        doc.add(new StringField(KIND, KIND_SOURCE, Field.Store.NO));
        doc.add(noContent());
        doc.add(new StringField(SOURCE, source.source(), Field.Store.YES));
        doc.add(new StoredField(CONTENT_HASH, source.contentHash()));
        doc.add(new StoredField(SIZE_BYTES, source.sizeBytes()));
        doc.add(new StoredField(CHUNK_COUNT, source.chunkCount()));
        if (source.ingestedAt() != null) doc.add(new StoredField(INGESTED_AT, source.ingestedAt().toString()));
        if (source.firstSeenAt() != null) doc.add(new StoredField(FIRST_SEEN_AT, source.firstSeenAt().toString()));
        for (String tag : sorted(source.tags())) doc.add(new StoredField(SOURCE_TAGS, tag));
        for (String group : sorted(source.accessGroups())) doc.add(new StoredField(SOURCE_ACCESS_GROUPS, group));
        return doc;
    }

    /** A chunk document of a segment written before format 3, from its stored fields. */
    static Chunk toChunk(Document doc) {
        return new Chunk(doc.get(ID), doc.get(SOURCE), intValue(doc, ORDINAL), doc.get(TEXT),
                List.of(doc.getValues(HEADING_PATH)), intValue(doc, START_CHAR), intValue(doc, END_CHAR),
                intValue(doc, TOKEN_COUNT), Set.of(doc.getValues(TAGS)), Set.of(doc.getValues(ACCESS_GROUPS)), doc.get(LANGUAGE));
    }

    static SourceRecord toSource(Document doc) {
        Instant ingestedAt = instant(doc, INGESTED_AT);
        Instant firstSeenAt = doc.get(FIRST_SEEN_AT) == null ? ingestedAt : instant(doc, FIRST_SEEN_AT);
        return new SourceRecord(doc.get(SOURCE), doc.get(CONTENT_HASH), doc.getField(SIZE_BYTES).numericValue().longValue(),
                intValue(doc, CHUNK_COUNT), ingestedAt, firstSeenAt,
                Set.of(doc.getValues(SOURCE_TAGS)), Set.of(doc.getValues(SOURCE_ACCESS_GROUPS)));
    }

    static Document changeDocument(long seq, SourceChange change) {
        Document doc = new Document();
        doc.add(new StringField(KIND, KIND_CHANGE, Field.Store.NO));
        doc.add(noContent());
        doc.add(new NumericDocValuesField(CHANGE_SEQ, seq));
        doc.add(new StoredField(CHANGE_SEQ, seq));
        doc.add(new StoredField(CHANGE_AT, change.at().toString()));
        doc.add(new StoredField(CHANGE_SOURCE, change.source()));
        doc.add(new StoredField(CHANGE_KIND, change.kind().name()));
        doc.add(new StoredField(CHANGE_HASH, change.contentHash()));
        return doc;
    }

    static SourceChange toChange(Document doc) {
        return new SourceChange(instant(doc, CHANGE_AT), doc.get(CHANGE_SOURCE), SourceChange.Kind.valueOf(doc.get(CHANGE_KIND)),
                doc.get(CHANGE_HASH));
    }

    static long changeSeq(Document doc) {
        return doc.getField(CHANGE_SEQ).numericValue().longValue();
    }

    /** The history in the order it was written. */
    static Sort changeOrder() {
        return new Sort(new SortField(CHANGE_SEQ, SortField.Type.LONG));
    }

    /**
     * An empty {@link #CONTENT} for documents that are not chunks: it matches no query and counts in no statistic, but
     * with it every document has a norm, and Lucene keeps a segment's norms as a dense array instead of a sparse one
     * looked up through a doc-id set (~15% of BM25's time at 100k chunks, profiled).
     */
    private static TextField noContent() {
        return new TextField(CONTENT, "", Field.Store.NO);
    }

    private static String searchableText(Chunk chunk) {
        if (chunk.headingPath().isEmpty()) return chunk.text();
        return String.join("\n", chunk.headingPath()) + "\n" + chunk.text();
    }

    private static Instant instant(Document doc, String field) {
        String value = doc.get(field);
        return value == null ? null : Instant.parse(value);
    }

    private static int intValue(Document doc, String field) {
        IndexableField f = doc.getField(field);
        return f.numericValue().intValue();
    }

    // Sets iterate in an unspecified order; sorting keeps the bytes of an index a function of its input.
    private static List<String> sorted(Set<String> values) {
        List<String> list = new ArrayList<>(values);
        list.sort(null);
        return list;
    }
}
