package io.knowhow.llm.extractive;

import io.knowhow.core.chunk.ChunkingOptions;
import io.knowhow.core.chunk.SentenceChunker;
import io.knowhow.core.ingest.IngestListener;
import io.knowhow.core.ingest.IngestPlan;
import io.knowhow.core.ingest.IngestReport;
import io.knowhow.core.ingest.Ingestor;
import io.knowhow.core.model.Answer;
import io.knowhow.core.rag.AskOptions;
import io.knowhow.core.rag.KnowledgeBase;
import io.knowhow.embed.onnx.BundledModel;
import io.knowhow.embed.onnx.OnnxEmbedder;
import io.knowhow.ingest.TikaDocumentParser;
import io.knowhow.store.lucene.LuceneKnowledgeStore;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The extractive generator behind the real pipeline — Tika parsing, the sentence chunker with the bundled
 * model's tokenizer, ONNX embeddings, Lucene hybrid search — on the files where its answers went wrong: the
 * CLI demo's corpus (the same five answers and the same abstentions, after an update and a delete too), a
 * DOCX with several desks, an HTML support-policy table, a CSV and a Chinese handbook page.
 */
class PipelineAnswersTest {
    private static OnnxEmbedder embedder;

    @TempDir
    Path tmp;

    @BeforeAll
    static void model() {
        embedder = OnnxEmbedder.bundled(BundledModel.ALL_MINILM_L6_V2_Q);
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    private record Kb(LuceneKnowledgeStore store, KnowledgeBase kb, Ingestor ingestor) implements AutoCloseable {
        Answer ask(String question, int k) {
            return kb.ask(question, AskOptions.DEFAULT.withK(k));
        }

        IngestReport ingest(List<Path> files) {
            return ingestor.ingest(new IngestPlan(files, List.of(), Set.of(), Set.of()), IngestListener.NONE);
        }

        @Override
        public void close() {
            store.close();
        }
    }

    private static void assertAbstains(Kb kb, String question, int k) {
        Answer a = kb.ask(question, k);
        assertThat(a.abstained()).as("%s -> %s", question, a.text()).isTrue();
    }

    private Kb kb(String name) {
        LuceneKnowledgeStore store = LuceneKnowledgeStore.open(tmp.resolve("kb-" + name), embedder.info().id(), embedder.info().dimension());
        Ingestor ingestor = new Ingestor(new TikaDocumentParser(), new SentenceChunker(embedder, ChunkingOptions.DEFAULT), embedder, store);
        return new Kb(store, new KnowledgeBase(embedder, store, new ExtractiveGenerator()), ingestor);
    }

    /** The CLI's demo corpus, read from knowhow-cli's resources (this module cannot depend on the CLI). */
    private List<Path> demoCorpus() throws IOException {
        Path demo = Path.of("..", "knowhow-cli", "src", "main", "resources", "demo");
        Path corpus = Files.createDirectories(tmp.resolve("demo"));
        // The four documents DemoCommand ingests; the folder also holds the demo's evaluation set.
        for (String name : List.of("pricing.md", "install.html", "support-policy.txt", "changelog.md"))
            Files.copy(demo.resolve(name), corpus.resolve(name));
        try (Stream<Path> files = Files.list(corpus)) {
            return files.sorted().toList();
        }
    }

    @Test
    void theDemoAnswersAsBeforeAndRefusesWhatItsDocumentsDoNotSay() throws Exception {
        List<Path> files = demoCorpus();
        try (Kb kb = kb("demo")) {
            assertThat(kb.ingest(files).failures()).isEmpty();
            // The demo's questions, k = 4 as DemoCommand asks them.
            assertThat(kb.ask("How much does the Team plan cost?", 4).text())
                    .isEqualTo("The Team plan costs $49 per editor per month, billed annually. [1]");
            assertThat(kb.ask("Which port does the web interface use?", 4).text())
                    .startsWith("The web interface listens on port 8443 over HTTPS.");
            assertThat(kb.ask("How quickly are Enterprise severity 1 incidents answered?", 4).text())
                    .startsWith("Enterprise customers get a first response within four hours, around the clock, for severity 1 incidents.");
            assertThat(kb.ask("What did version 3.2 add?", 4).text())
                    .startsWith("Version 3.2 added real-time co-editing of pages and a dark theme.");
            assertAbstains(kb, "Does Lumen integrate with Salesforce?", 4);
            // Look-alikes the demo could add: a plan that does not exist, a feature of another plan.
            assertAbstains(kb, "How much does the Team Pro plan cost?", 4);
            assertAbstains(kb, "Does the Starter plan include single sign-on?", 4);

            Path pricing = files.stream().filter(f -> f.endsWith("pricing.md")).findFirst().orElseThrow();
            Files.writeString(pricing, Files.readString(pricing).replace("$49 per editor", "$59 per editor"));
            kb.ingest(files);
            assertThat(kb.ask("How much does the Team plan cost?", 4).text()).contains("$59").doesNotContain("$49");

            kb.store().deleteSource(IngestPlan.sourceKey(pricing));
            assertAbstains(kb, "How much does the Team plan cost?", 4);
        }
    }

    @Test
    void aDocxWithSeveralDesksAnswersWithTheDeskAskedAbout() throws Exception {
        XWPFDocument docx = new XWPFDocument();
        for (String text : List.of("Finding your way around the Porto office",
                "The front desk is at the main entrance and opens at 8:00.",
                "The help desk for visitors is in the lobby, next to the lifts.",
                "The IT desk is on the second floor, room 2.14.",
                "The HR office is on the third floor, room 3.02.",
                "Meeting rooms are booked through the intranet.")) {
            docx.createParagraph().createRun().setText(text);
        }
        Path file = tmp.resolve("office-guide.docx");
        try (docx; OutputStream out = Files.newOutputStream(file)) {
            docx.write(out);
        }
        try (Kb kb = kb("docx")) {
            assertThat(kb.ingest(List.of(file)).failures()).isEmpty();
            assertThat(kb.ask("Where is the IT desk?", 5).text()).isEqualTo("The IT desk is on the second floor, room 2.14. [1]");
            assertThat(kb.ask("Where is the HR office?", 5).text()).isEqualTo("The HR office is on the third floor, room 3.02. [1]");
        }
    }

    @Test
    void aTableIsAnsweredWithTheRowAndACsvWithTheRecord() throws Exception {
        Path html = Files.writeString(tmp.resolve("support-policy.html"), """
                <html><head><title>Support policy</title></head><body>
                <h1>Support policy</h1>
                <p>Response times depend on the severity of the incident.</p>
                <table>
                  <tr><th>Severity</th><th>Response time</th><th>Resolution target</th></tr>
                  <tr><td>SEV1</td><td>1 hour</td><td>1 day</td></tr>
                  <tr><td>SEV2</td><td>4 hours</td><td>3 days</td></tr>
                  <tr><td>SEV3</td><td>1 business day</td><td>10 days</td></tr>
                </table>
                </body></html>
                """);
        Path csv = Files.writeString(tmp.resolve("offices.csv"), """
                office,city,opened,head
                North,Oslo,2015,Ines Moreau
                South,Seville,2019,Tomas Berg
                East,Riga,2021,Aiko Tanaka
                """);
        try (Kb kb = kb("tables")) {
            assertThat(kb.ingest(List.of(html, csv)).failures()).isEmpty();
            Answer sev2 = kb.ask("What is the SEV2 response time?", 5);
            assertThat(sev2.text()).startsWith("Severity: SEV2 | Response time: 4 hours | Resolution target: 3 days [");
            assertThat(sev2.citations().get(0).source()).endsWith("support-policy.html");
            assertThat(kb.ask("Which city is the South office in?", 5).text()).startsWith("office: South | city: Seville | opened: 2019 | head: Tomas Berg [");
            assertAbstains(kb, "What is the SEV4 response time?", 5);
        }
    }

    @Test
    void aChineseQuestionIsAnsweredFromTheChunkSearchRanksFirst() throws Exception {
        Path zh = Files.writeString(tmp.resolve("handbook-zh.md"), """
                # 员工手册

                公司每年举办一次年度团建活动。年度团建活动在杭州西湖举行，为期两天。报名截止日期是五月十日。

                # 办公室

                员工食堂每天中午十一点半开放。IT服务台位于二楼。
                """);
        try (Kb kb = kb("zh")) {
            assertThat(kb.ingest(List.of(zh)).failures()).isEmpty();
            assertThat(kb.store().chunks(IngestPlan.sourceKey(zh))).allSatisfy(c -> assertThat(c.language()).isEqualTo("zh"));
            assertThat(kb.ask("年度团建活动在哪里举行？", 5).text()).startsWith("年度团建活动在杭州西湖举行，为期两天。 [");
            assertThat(kb.ask("员工食堂几点开放？", 5).text()).contains("十一点半");
            assertAbstains(kb, "年度团建活动的预算是多少钱？", 5);
        }
    }
}
