package io.knowhow.store.solr;

import io.knowhow.core.port.IncompatibleKnowledgeBaseException;
import io.knowhow.core.port.KnowledgeBaseUnavailableException;
import io.knowhow.core.port.StoreIdentity;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.impl.CloudHttp2SolrClient;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.client.solrj.impl.Http2SolrClient;
import org.apache.solr.client.solrj.request.AbstractUpdateRequest;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.client.solrj.request.ConfigSetAdminRequest;
import org.apache.solr.client.solrj.request.UpdateRequest;
import org.apache.solr.client.solrj.response.CollectionAdminResponse;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrInputDocument;
import org.apache.solr.common.util.ContentStreamBase;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static io.knowhow.store.solr.SolrLayout.DIMENSION;
import static io.knowhow.store.solr.SolrLayout.EMBEDDER;
import static io.knowhow.store.solr.SolrLayout.FORMAT;
import static io.knowhow.store.solr.SolrLayout.ID;
import static io.knowhow.store.solr.SolrLayout.KIND;
import static io.knowhow.store.solr.SolrLayout.KIND_META;
import static io.knowhow.store.solr.SolrLayout.META_ID;
import static io.knowhow.store.solr.SolrLayout.VERSION_FIELD;

/**
 * One knowledge base's view of a SolrCloud cluster: the client, and the administration a store needs — the
 * configset (uploaded on first use), the physical collections {@code NAME_1}, {@code NAME_2}, ... and the alias
 * {@code NAME} that readers use, and the meta document that records what a collection was built with.
 * Collections API and Configset API only, so a ZooKeeper address and plain Solr URLs work alike.
 */
final class SolrCluster implements AutoCloseable {
    static final String CONFIGSET_DIR = "/io/knowhow/store/solr/configset/";
    static final List<String> CONFIGSET_FILES = List.of("solrconfig.xml", "schema.xml", "stopwords_knowhow.txt");

    final SolrSettings settings;
    final CloudSolrClient client;
    final Retrier retrier;

    SolrCluster(SolrSettings settings, SolrStoreOptions options) {
        this.settings = settings;
        this.client = connect(settings);
        this.retrier = new Retrier(settings.collection(), options.retryBudget(), Duration.ofMillis(100));
    }

    static CloudSolrClient connect(SolrSettings s) {
        Http2SolrClient.Builder http = new Http2SolrClient.Builder()
                .withConnectionTimeout(10, TimeUnit.SECONDS)
                .withIdleTimeout(120, TimeUnit.SECONDS);
        CloudHttp2SolrClient.Builder b = s.zkHosts().isEmpty()
                ? new CloudHttp2SolrClient.Builder(s.urls())
                : new CloudHttp2SolrClient.Builder(s.zkHosts(), s.zkChroot())
                        .withZkConnectTimeout(15, TimeUnit.SECONDS)
                        .withZkClientTimeout(30, TimeUnit.SECONDS);
        return b.withInternalClientBuilder(http).withParallelUpdates(true).build();
    }

    /** Where the knowledge base is, for messages. */
    String where() {
        return "Solr collection " + settings.collection() + " at " + settings.address();
    }

    // ---- what exists

    /** The physical collection the name stands for: the alias's target, or a collection of that very name; empty when neither. */
    Optional<String> current() {
        Map<String, String> aliases = aliases();
        String target = aliases.get(settings.collection());
        if (target != null) {
            if (target.contains(","))
                throw new KnowledgeBaseUnavailableException(where() + " is an alias of several collections (" + target
                        + "); knowhow needs it to name one: point solr.collection at another name");
            return Optional.of(target);
        }
        return collections().contains(settings.collection()) ? Optional.of(settings.collection()) : Optional.empty();
    }

    boolean isAlias() {
        return aliases().containsKey(settings.collection());
    }

    List<String> collections() {
        return retrier.call("list collections", () -> CollectionAdminRequest.listCollections(client));
    }

    Map<String, String> aliases() {
        CollectionAdminResponse r = retrier.call("list aliases", () -> new CollectionAdminRequest.ListAliases().process(client));
        Map<String, String> aliases = r.getAliases();
        return aliases == null ? Map.of() : aliases;
    }

    /** What {@code collection} was built with, from its meta document; empty when it has none. */
    Optional<StoreIdentity> identity(String collection) {
        SolrDocument meta = retrier.call("read what the collection was built with", () -> client.getById(collection, META_ID));
        if (meta == null) return Optional.empty();
        Object format = meta.getFirstValue(FORMAT);
        if (format == null || ((Number) format).intValue() != SolrKnowledgeStore.FORMAT_VERSION)
            throw new IncompatibleKnowledgeBaseException(where() + " has store format " + format + ", expected "
                    + SolrKnowledgeStore.FORMAT_VERSION + ": migrate it with the knowhow version that wrote it, or use another solr.collection");
        return Optional.of(new StoreIdentity((String) meta.getFirstValue(EMBEDDER), ((Number) meta.getFirstValue(DIMENSION)).intValue()));
    }

    /** Refuses a collection built with another embedder, naming both. */
    void check(String collection, StoreIdentity expected) {
        StoreIdentity found = identity(collection).orElseThrow(() -> new KnowledgeBaseUnavailableException(where()
                + " is not a knowhow knowledge base (collection " + collection + " has no " + META_ID
                + " document): give knowhow a collection name of its own (solr.collection)"));
        if (!found.equals(expected))
            throw new IncompatibleKnowledgeBaseException("Knowledge base in " + where() + " was built with another embedding model: expected '"
                    + expected.embedderId() + "' (" + expected.dimension() + " dimensions), found '" + found.embedderId() + "' ("
                    + found.dimension() + " dimensions); re-ingest into a new knowledge base, or run with the model it was built with");
    }

    // ---- creating

    /** The collection behind the name, created with its alias when there is none. */
    String currentOrCreate(StoreIdentity identity) {
        Optional<String> current = current();
        if (current.isPresent()) {
            if (identity(current.get()).isEmpty() && count(current.get()) == 0) writeMeta(current.get(), identity);
            return current.get();
        }
        String physical = nextPhysicalName();
        create(physical, identity);
        alias(physical);
        return physical;
    }

    /** {@code NAME_N} with N one more than any such collection's. */
    String nextPhysicalName() {
        Pattern p = Pattern.compile(Pattern.quote(settings.collection()) + "_(\\d+)");
        long max = 0;
        for (String c : collections()) {
            Matcher m = p.matcher(c);
            if (m.matches()) max = Math.max(max, Long.parseLong(m.group(1)));
        }
        return settings.collection() + "_" + (max + 1);
    }

    /** Physical collections of this name other than the current one: left by a swap or a build that was interrupted. */
    List<String> leftovers(String current) {
        Pattern p = Pattern.compile(Pattern.quote(settings.collection()) + "_\\d+");
        return collections().stream().filter(c -> p.matcher(c).matches() && !c.equals(current)).toList();
    }

    /** Creates a physical collection from knowhow's configset (uploaded if missing) and records the identity in it. */
    void create(String physical, StoreIdentity identity) {
        String configSet = ensureConfigSet(identity.dimension());
        try {
            retrier.call("create collection " + physical, () -> CollectionAdminRequest
                    .createCollection(physical, configSet, settings.shards(), settings.replicas())
                    .process(client));
        } catch (RuntimeException e) {
            // Another machine creating the same knowledge base at the same moment: theirs is as good as ours.
            if (!collections().contains(physical)) throw e;
        }
        writeMeta(physical, identity);
    }

    /** Points the alias at {@code physical}; atomic in Solr, so readers see the old collection or the new. */
    void alias(String physical) {
        retrier.call("point alias " + settings.collection() + " at " + physical,
                () -> CollectionAdminRequest.createAlias(settings.collection(), physical).process(client));
        // The client learns aliases from the cluster state a moment later; a request sent before that would find
        // no collection of that name.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!List.of(physical).equals(client.getClusterStateProvider().resolveAlias(settings.collection()))) {
            if (System.nanoTime() > deadline)
                throw new KnowledgeBaseUnavailableException(where() + ": the alias was moved to " + physical
                        + " but the cluster state did not show it within 30 s");
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KnowledgeBaseUnavailableException("interrupted while waiting for alias " + settings.collection(), e);
            }
        }
    }

    void delete(String physical) {
        retrier.call("delete collection " + physical, () -> CollectionAdminRequest.deleteCollection(physical).process(client));
    }

    private long count(String collection) {
        SolrQuery q = new SolrQuery("*:*");
        q.setRows(0);
        return retrier.call("count documents", () -> SolrKnowledgeStore.complete(client.query(collection, q))).getResults().getNumFound();
    }

    /** Writes the meta document if there is none (optimistic concurrency), then checks the one that is there. */
    private void writeMeta(String collection, StoreIdentity identity) {
        SolrInputDocument meta = new SolrInputDocument();
        meta.setField(ID, META_ID);
        meta.setField(KIND, KIND_META);
        meta.setField(FORMAT, SolrKnowledgeStore.FORMAT_VERSION);
        meta.setField(EMBEDDER, identity.embedderId());
        meta.setField(DIMENSION, identity.dimension());
        meta.setField(VERSION_FIELD, -1L);
        UpdateRequest request = new UpdateRequest();
        request.add(meta);
        request.setAction(AbstractUpdateRequest.ACTION.COMMIT, true, true);
        try {
            retrier.call("record the embedder in collection " + collection, () -> request.process(client, collection));
        } catch (IllegalStateException e) {
            if (!Retrier.conflict(e)) throw e; // written by another machine first: checked by the caller
        }
    }

    /**
     * Uploads knowhow's configset for vectors of {@code dimension}, unless there already: named by the dimension and
     * a hash of the files, so a configset never changes under a collection that uses it.
     */
    String ensureConfigSet(int dimension) {
        Map<String, byte[]> files = configSetFiles(dimension);
        String name = configSetName(dimension, files);
        List<String> existing = retrier.call("list configsets", () -> new ConfigSetAdminRequest.List().process(client)).getConfigSets();
        if (existing != null && existing.contains(name)) return name;
        byte[] zip = zip(files);
        ConfigSetAdminRequest.Upload upload = new ConfigSetAdminRequest.Upload();
        upload.setConfigSetName(name);
        upload.setUploadStream(new ContentStreamBase.ByteArrayStream(zip, name + ".zip", "application/zip"));
        try {
            retrier.call("upload configset " + name, () -> upload.process(client));
        } catch (RuntimeException e) {
            List<String> now = retrier.call("list configsets", () -> new ConfigSetAdminRequest.List().process(client)).getConfigSets();
            if (now == null || !now.contains(name)) throw e;
        }
        return name;
    }

    static Map<String, byte[]> configSetFiles(int dimension) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String f : CONFIGSET_FILES) {
            try (InputStream in = SolrCluster.class.getResourceAsStream(CONFIGSET_DIR + f)) {
                if (in == null) throw new IllegalStateException("knowhow-store-solr is missing its resource " + CONFIGSET_DIR + f);
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("@VECTOR_DIMENSION@", Integer.toString(dimension));
                files.put(f, text.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    static String configSetName(int dimension, Map<String, byte[]> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                sha.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                sha.update(e.getValue());
            }
            return "knowhow-v" + SolrKnowledgeStore.FORMAT_VERSION + "-d" + dimension + "-" + HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] zip(Map<String, byte[]> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    SolrClient client() {
        return client;
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            // nothing to lose
        }
    }
}
