/**
 * The scale-out knowledge store on SolrCloud, through SolrJ: chunks (BM25 text and HNSW vectors), the manifest
 * of sources, the embedder identity and the writer lock, all in one collection behind an alias.
 *
 * <p>{@link io.knowhow.store.solr.SolrKnowledgeStore} is the store and documents its consistency model;
 * {@link io.knowhow.store.solr.SolrStoreProvider} opens it for {@code store.kind: solr} from the
 * {@link io.knowhow.store.solr.SolrSettings}; the configset (schema and solrconfig) ships in this module's
 * resources and is uploaded on first use. Only SolrJ is on the class path at run time, no Lucene, so this module
 * sits beside the embedded Lucene store in one application.
 */
package io.knowhow.store.solr;
