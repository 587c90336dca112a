package io.knowhow.eval.compare;

import io.knowhow.eval.advise.Advice;
import io.knowhow.eval.advise.AdviseInput;
import io.knowhow.eval.advise.Advisor;
import io.knowhow.eval.advise.CostModel;
import io.knowhow.eval.advise.Finding;
import io.knowhow.eval.report.ReportFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * report.html opened in a real browser: Debian's headless Chromium driven by Selenium. The page must render its
 * charts (inline SVG), list unavailable strategies with their reason, and show the advice and the eight rows.
 * A screenshot is left in target/report-screenshot.png. Skipped, with a message, only where /usr/bin/chromium is absent.
 */
class HtmlReportBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    @Test
    void theReportRendersInChromium() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "skipped: /usr/bin/chromium or /usr/bin/chromedriver is absent (apt-get install -y chromium chromium-driver)");
        FakeTarget t = ComparisonTest.scripted();
        TunedRun run = new TunedRun("/kb/tuned/run-log.jsonl", 42.0,
                List.of(new double[]{1, 2.5}, new double[]{2, 1.9}, new double[]{3, 1.4}, new double[]{4, 1.2}),
                List.of(new double[]{2, 2.0}, new double[]{4, 1.5}), new Forgetting(false, null, null, "not recorded"));
        ComparisonReport report = new Comparison(t, 1, Optional.of(run), () -> null).run(CompareRequest.of(ComparisonTest.CASES), Comparison.Progress.NONE);
        Advice advice = Advisor.advise(AdviseInput.none().withCite(Finding.given(true, "--cite yes"))
                .withCorpusTokens(Finding.measured(371L, "counted")), CostModel.table(new io.knowhow.eval.advise.CostInputs(371, 1, 10_000, 12, 185, 45, "given"), io.knowhow.eval.advise.CostAssumptions.defaults()));
        Path out = Path.of("target", "browser-report");
        List<Path> files = ReportFiles.write(out, report, advice);
        assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly("report.html", "report.md", "report.json");
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html).doesNotContain("http://", "https://").as("self-contained: no external asset").doesNotContain("<script");

        Path profile = Files.createTempDirectory("knowhow-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--user-data-dir=" + profile, "--window-size=1280,2400");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build();
        ChromeDriver driver = new ChromeDriver(service, options);
        try {
            driver.get(out.resolve("report.html").toAbsolutePath().toUri().toString());
            assertThat(driver.getTitle()).isEqualTo("knowhow eval compare");
            assertThat(driver.findElement(By.cssSelector("#advice .rec")).getText()).startsWith("rag");
            assertThat(driver.findElements(By.cssSelector("#advice tr"))).hasSize(6);

            WebElement accuracy = driver.findElement(By.cssSelector("figure[data-metric=accuracy]"));
            assertThat(accuracy.isDisplayed()).isTrue();
            List<WebElement> bars = accuracy.findElements(By.cssSelector("rect.bar"));
            assertThat(bars).extracting(b -> b.getAttribute("data-strategy")).containsExactly("rag", "prompt-only");
            assertThat(bars).extracting(b -> b.getAttribute("data-value")).containsExactly("1", "0.33");
            // bars are drawn to scale: rag's full bar is three times prompt-only's
            int ragWidth = bars.get(0).getRect().getWidth(), poWidth = bars.get(1).getRect().getWidth();
            assertThat(ragWidth).isBetween(3 * poWidth - 3, 3 * poWidth + 3);
            assertThat(driver.findElement(By.cssSelector("figure[data-metric=hallucination_rate]")).getText()).contains("67%");

            assertThat(driver.findElement(By.id("strategies")).getText()).contains("tuned").contains("run `knowhow tune` first");
            assertThat(driver.findElements(By.cssSelector("#latency circle.latency-dot"))).hasSize(6);
            assertThat(driver.findElement(By.cssSelector("#loss polyline.loss-curve")).getAttribute("points")).isNotBlank();
            assertThat(driver.findElements(By.cssSelector("#reference tr"))).hasSize(9);
            assertThat(driver.findElement(By.id("reference")).getText()).contains("Knowledge freshness", "Forgetting risk", "Can cite source chunks");
            assertThat(driver.findElement(By.id("break-even")).getText()).contains("RAG costs less than re-training");

            File shot = driver.getScreenshotAs(OutputType.FILE);
            Path png = Path.of("target", "report-screenshot.png");
            Files.copy(shot.toPath(), png, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertThat(Files.size(png)).isGreaterThan(10_000);
        } finally {
            driver.quit();
            KnowhowTarget.deleteTree(profile);
        }
    }
}
