package io.knowhow.bench;

import io.knowhow.analysis.EnglishCjkAnalyzer;
import io.knowhow.core.ingest.IngestPlan;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.QueryBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * BM25 with the store's current analyzer ({@link EnglishAnalyzer}) against {@link EnglishCjkAnalyzer}, the
 * one the store is to adopt (ADR 0006): the same Lucene BM25 and query building as
 * {@code LuceneKnowledgeStore} (a {@link QueryBuilder} boolean query on one text field), over whole
 * paragraphs / abstracts in memory, so only the analysis differs.
 *
 * <p>Run: {@code bench/run AnalyzerBench [--data DIR] [--questions 1000]}. Prints a markdown table.
 */
public final class AnalyzerBench {
    public static void main(String[] args) throws Exception {
        Map<String, String> opt = Args.parse(args);
        Path data = Path.of(opt.getOrDefault("data", "../shared/data"));
        int questions = Integer.parseInt(opt.getOrDefault("questions", "1000"));
        Squad squad = Squad.load(data.resolve("squad-v1.1-dev/dev-v1.1.json"));
        List<String> paragraphs = squad.paragraphs().stream().map(Squad.Paragraph::context).toList();
        List<Squad.Question> sample = new ArrayList<>(squad.questions());
        Collections.shuffle(sample, new Random(42));
        sample = sample.subList(0, Math.min(questions, sample.size()));
        Path work = Files.createTempDirectory("analyzerbench-");
        SciFactFiles sf = SciFactFiles.write(data.resolve("scifact"), work.resolve("docs"));
        List<String> abstracts = new ArrayList<>(), ids = new ArrayList<>();
        for (Path f : sf.files()) {
            abstracts.add(Files.readString(f));
            ids.add(IngestPlan.sourceKey(f));
        }
        RagBench.deleteTree(work);

        // The Chinese handbook of MultilingualBench: gold = the file holding the expected answer text.
        List<String> zhDocs = new ArrayList<>();
        for (String block : MultilingualBench.resource("zh-corpus.txt").split("(?m)^=== .*$")) {
            if (!block.isBlank() && !block.strip().startsWith("# A small")) zhDocs.add(block.strip());
        }
        List<String[]> zhQuestions = new ArrayList<>();
        for (String line : MultilingualBench.resource("zh-qa.tsv").split("\n")) {
            String[] f = line.split("\t", -1);
            if (line.startsWith("#") || f.length < 2 || f[1].isBlank()) continue;
            List<Integer> holders = new ArrayList<>();
            for (int i = 0; i < zhDocs.size(); i++) if (zhDocs.get(i).contains(f[1].strip())) holders.add(i);
            if (holders.size() == 1) zhQuestions.add(new String[] {f[0], String.valueOf(holders.get(0))}); // unambiguous gold only
        }

        System.out.println("| analyzer | SQuAD v1.1 recall@1 | recall@5 | MRR@10 | SciFact nDCG@10 | recall@100 | Chinese handbook recall@1 |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Analyzer analyzer : List.of(new EnglishAnalyzer(), new EnglishCjkAnalyzer())) {
            try (analyzer; Index squadIndex = Index.of(analyzer, paragraphs); Index sciIndex = Index.of(analyzer, abstracts);
                 Index zhIndex = Index.of(analyzer, zhDocs)) {
                int zh1 = 0;
                for (String[] q : zhQuestions) {
                    List<Integer> ranked = zhIndex.search(q[0], 1);
                    if (!ranked.isEmpty() && ranked.get(0) == Integer.parseInt(q[1])) zh1++;
                }
                int r1 = 0, r5 = 0;
                double mrr = 0;
                for (Squad.Question q : sample) {
                    List<Integer> ranked = squadIndex.search(q.text(), 10);
                    int rank = ranked.indexOf(q.paragraph()) + 1;
                    if (rank == 1) r1++;
                    if (rank >= 1 && rank <= 5) r5++;
                    if (rank >= 1) mrr += 1.0 / rank;
                }
                double ndcg = 0, r100 = 0;
                for (int i = 0; i < sf.queries().size(); i++) {
                    List<String> ranked = sciIndex.search(sf.queries().get(i), 100).stream().map(ids::get).toList();
                    ndcg += Metrics.ndcg(ranked, sf.relevant().get(i), 10);
                    r100 += Metrics.recall(ranked, sf.relevant().get(i), 100);
                }
                int n = sample.size(), m = sf.queries().size();
                System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f (%d) |%n", analyzer.getClass().getSimpleName(),
                        r1 / (double) n, r5 / (double) n, mrr / n, ndcg / m, r100 / m, zh1 / (double) zhQuestions.size(), zhQuestions.size());
            }
        }
        System.out.println();
    }

    /** An in-memory BM25 index of texts, searched like the store's BM25 half. */
    private record Index(ByteBuffersDirectory dir, DirectoryReader reader, QueryBuilder builder) implements AutoCloseable {
        static Index of(Analyzer analyzer, List<String> texts) throws IOException {
            ByteBuffersDirectory dir = new ByteBuffersDirectory();
            try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(analyzer))) {
                for (int i = 0; i < texts.size(); i++) {
                    Document d = new Document();
                    d.add(new StringField("id", String.valueOf(i), Field.Store.YES));
                    d.add(new TextField("content", texts.get(i), Field.Store.NO));
                    w.addDocument(d);
                }
            }
            return new Index(dir, DirectoryReader.open(dir), new QueryBuilder(analyzer));
        }

        List<Integer> search(String text, int k) throws IOException {
            Query q = builder.createBooleanQuery("content", text);
            if (q == null) q = new MatchNoDocsQuery();
            IndexSearcher searcher = new IndexSearcher(reader);
            List<Integer> out = new ArrayList<>();
            for (ScoreDoc sd : searcher.search(q, k).scoreDocs) out.add(Integer.parseInt(searcher.storedFields().document(sd.doc).get("id")));
            return out;
        }

        @Override
        public void close() throws IOException {
            reader.close();
            dir.close();
        }
    }
}
