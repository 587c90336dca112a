package io.knowhow.ingest;

import io.knowhow.core.model.Document;
import io.knowhow.core.port.UnreadableDocumentException;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.knowhow.ingest.Fixtures.Para.p;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tables as rows that carry their headers, CSV/TSV files, and the detected language of a document. */
class TablesAndLanguageTest {
    @TempDir
    Path dir;

    private final TikaDocumentParser parser = new TikaDocumentParser();

    static final String SUPPORT_POLICY_HTML = """
            <html><head><title>Support policy</title></head><body>
            <h1>Support policy</h1>
            <p>Response times depend on the severity of the incident.</p>
            <table>
              <thead><tr><th>Severity</th><th>Response time</th><th>Resolution target</th></tr></thead>
              <tbody>
                <tr><td>SEV1</td><td>1 hour</td><td>1 day</td></tr>
                <tr><td>SEV2</td><td>4 hours</td><td>3 days</td></tr>
                <tr><td>SEV3</td><td>1 business day</td><td>10 days</td></tr>
              </tbody>
            </table>
            <p>Severity is set by the support engineer.</p>
            </body></html>
            """;

    @Test
    void anHtmlTableBecomesOneParagraphPerRowCarryingTheHeaders() throws Exception {
        Document doc = parser.parse(Files.writeString(dir.resolve("support.html"), SUPPORT_POLICY_HTML), "support");

        assertThat(doc.fullText()).isEqualTo("""
                Response times depend on the severity of the incident.

                Severity: SEV1 | Response time: 1 hour | Resolution target: 1 day

                Severity: SEV2 | Response time: 4 hours | Resolution target: 3 days

                Severity: SEV3 | Response time: 1 business day | Resolution target: 10 days

                Severity is set by the support engineer.""");
    }

    @Test
    void aTableWithoutHeaderCellsKeepsItsRowsPlainUnlessTheFirstRowLooksLikeOne() throws Exception {
        String html = "<html><body><table><tr><td>Phone</td><td>555 0100</td></tr><tr><td>Email</td><td>desk@example.com</td></tr></table>"
                + "<table><tr><td>City</td><td>Office</td></tr><tr><td>Porto</td><td>Rua 1</td></tr></table></body></html>";
        Document doc = parser.parse(Files.writeString(dir.resolve("t.html"), html), "t");

        assertThat(doc.fullText()).isEqualTo("Phone | 555 0100\n\nEmail | desk@example.com\n\nCity: Porto | Office: Rua 1");
    }

    @Test
    void aDocxTableTakesItsFirstRowAsHeader() throws Exception {
        XWPFDocument docx = Fixtures.docx(null, List.of(p("Response times:")));
        XWPFTable table = docx.createTable(3, 2);
        String[][] cells = {{"Severity", "Response time"}, {"SEV1", "1 hour"}, {"SEV2", "4 hours"}};
        for (int r = 0; r < 3; r++) for (int c = 0; c < 2; c++) table.getRow(r).getCell(c).setText(cells[r][c]);
        Document doc = parser.parse(Fixtures.write(docx, dir.resolve("t.docx")), "t");

        assertThat(doc.fullText()).isEqualTo("Response times:\n\nSeverity: SEV1 | Response time: 1 hour\n\nSeverity: SEV2 | Response time: 4 hours");
    }

    @Test
    void csvRowsAreRecordsWithTheirColumnNames() throws Exception {
        Path csv = Files.writeString(dir.resolve("plans.csv"), """
                plan,price,"notes, if any"
                Starter,$0,"free for up to 5 editors"
                Team,$49,"billed ""annually""\"
                Enterprise,,
                """);
        Document doc = parser.parse(csv, "plans");

        assertThat(doc.title()).isEqualTo("plans.csv");
        assertThat(doc.sections()).hasSize(1);
        assertThat(doc.fullText()).isEqualTo("plan: Starter | price: $0 | notes, if any: free for up to 5 editors\n\n"
                + "plan: Team | price: $49 | notes, if any: billed \"annually\"\n\nplan: Enterprise");
        assertThat(doc.metadata()).containsEntry("content-type", "text/csv");
    }

    @Test
    void tsvToo() throws Exception {
        Document doc = parser.parse(Files.writeString(dir.resolve("desks.tsv"), "desk\tfloor\nIT\t2\nHR\t3\n"), "desks");

        assertThat(doc.fullText()).isEqualTo("desk: IT | floor: 2\n\ndesk: HR | floor: 3");
    }

    @Test
    void aBrokenCsvIsReportedByName() throws Exception {
        Path csv = Files.writeString(dir.resolve("broken.csv"), "a,b\n\"unclosed,1\n");

        assertThatThrownBy(() -> parser.parse(csv, "broken"))
                .isInstanceOf(UnreadableDocumentException.class)
                .hasMessageStartingWith(csv + " is not a valid CSV file: ");
    }

    @Test
    void theLanguageOfEachDocumentIsDetected() throws Exception {
        Path en = Files.writeString(dir.resolve("en.txt"), "The annual team event takes place in Hangzhou every spring. "
                + "Registration closes on the tenth of May, and every employee may bring one guest.");
        Path zh = Files.writeString(dir.resolve("zh.txt"), "公司每年举办一次年度团建活动。年度团建活动在杭州西湖举行，为期两天。报名截止日期是五月十日。");
        Path de = Files.writeString(dir.resolve("de.md"), "# Betriebsausflug\n\nDer jährliche Betriebsausflug findet im Juni in Hamburg statt. "
                + "Die Anmeldung endet am zehnten Mai, und jeder Mitarbeiter darf einen Gast mitbringen.");

        assertThat(parser.parse(en, "en").language()).isEqualTo("en");
        assertThat(parser.parse(zh, "zh").language()).isEqualTo("zh");
        assertThat(parser.parse(de, "de").language()).isEqualTo("de");
    }

    @Test
    void anHtmlLangAttributeIsTheFallbackWhenTheTextIsTooShortToTell() throws Exception {
        Path html = Files.writeString(dir.resolve("short.html"), "<html lang=\"fr-FR\"><body><p>OK 42</p></body></html>");

        assertThat(parser.parse(html, "short").language()).isIn("fr", "");
    }
}
