package io.knowhow.server;

import io.knowhow.app.IngestRequest;
import io.knowhow.core.ingest.IngestListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web UI in a real browser: the system's headless Chromium driven by Selenium through the system's chromedriver
 * (nothing is downloaded). Clicks through asking (streamed answer, clickable citations), uploading with progress,
 * the source list with delete, and the evaluation report; a chunk holding {@code <script>} must show as text.
 * Screenshots go to target/screenshots/. Skipped, saying so, when /usr/bin/chromium is absent.
 */
class WebUiIT {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SHOTS = Path.of("target", "screenshots");

    @TempDir
    static Path tmp;
    static TestServer s;
    static WebDriver driver;
    static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "browser tests skipped: /usr/bin/chromium and /usr/bin/chromedriver are needed (apt-get install chromium chromium-driver)");
        s = new TestServer(tmp, true, Map.of());
        Path hostile = s.write("public/xylophone.txt", "The Xylophone policy says <script>window.__pwned = 1;</script> and "
                + "<img src=x onerror=\"window.__pwned = 2\"> must render as plain text, never as markup.\n");
        s.kb.ingest(IngestRequest.of(hostile).makePublic(), IngestListener.NONE);
        Files.createDirectories(s.kbDir.resolve("reports/run-1"));
        Files.writeString(s.kbDir.resolve("reports/run-1/report.md"), "# Evaluation\n\nrag: accuracy 0.81; prompt-only: 0.42\n");
        Files.createDirectories(SHOTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1280,1000",
                "--user-data-dir=" + Files.createTempDirectory(tmp, "chromium-profile"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (driver != null) driver.quit();
        if (s != null) s.close();
    }

    static void shot(String name) throws Exception {
        File f = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), SHOTS.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    static void useKey(String which) {
        driver.get(s.server.uri().toString());
        WebElement input = driver.findElement(By.id("api-key"));
        input.sendKeys(s.keys.get(which));
        input.sendKeys(Keys.ENTER); // the key form submits from the keyboard
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("whoami"), "key "));
    }

    @Test
    void askStreamsAnAnswerWithClickableCitationsAndServerTextStaysText() throws Exception {
        useKey("alpha");
        assertThat(driver.findElement(By.id("answer")).getAttribute("aria-live")).isEqualTo("polite");
        assertThat(driver.findElement(By.cssSelector("label[for=question]")).getText()).isEqualTo("Question");
        driver.findElement(By.id("question")).sendKeys("What does the Xylophone policy say?");
        driver.findElement(By.id("ask-button")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#citations li button")));
        String answer = driver.findElement(By.id("answer")).getText();
        assertThat(answer).contains("<script>window.");
        assertThat(driver.findElements(By.cssSelector("#answer script, #answer img, #chunk-view script"))).isEmpty();
        shot("ask-answer");
        driver.findElement(By.cssSelector("#citations li button")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("chunk-text")));
        assertThat(driver.findElement(By.id("chunk-title")).getText()).contains("xylophone.txt");
        assertThat(driver.findElement(By.id("chunk-text")).getText()).contains("<script>window.__pwned = 1;</script>").contains("<img src=x onerror=");
        driver.findElement(By.cssSelector("#chunk-view summary")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#source-chunks li")));
        shot("ask-citation");
        assertThat(((JavascriptExecutor) driver).executeScript("return window.__pwned === undefined")).isEqualTo(true);

        // Another tenant's document never shows: alpha asks about beta's project.
        driver.findElement(By.id("question")).clear();
        driver.findElement(By.id("question")).sendKeys("What is the launch codename of Project Osprey?");
        driver.findElement(By.id("ask-button")).sendKeys(Keys.ENTER);
        wait.until(d -> "false".equals(d.findElement(By.id("answer")).getAttribute("aria-busy")) && !d.findElement(By.id("answer-meta")).getText().isEmpty());
        assertThat(driver.findElement(By.tagName("body")).getText()).doesNotContain(TestServer.SECRETS.get("beta"));
    }

    @Test
    void uploadShowsProgressThenTheSourceWhichCanBeDeleted() throws Exception {
        useKey("alpha");
        driver.findElement(By.id("tab-docs")).click();
        Path file = tmp.resolve("handbook-upload.md");
        Files.writeString(file, "# Handbook\n\nThe Quokka procedure is how new starters get a laptop on day one.\n");
        driver.findElement(By.id("files")).sendKeys(file.toString());
        driver.findElement(By.id("upload-button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("upload-status"), "Ingested"));
        assertThat(driver.findElement(By.id("upload-progress")).getAttribute("value")).isEqualTo("100");
        assertThat(driver.findElement(By.id("upload-status")).getText()).contains("1 added");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("sources"), "handbook-upload.md"));
        String table = driver.findElement(By.id("sources")).getText();
        assertThat(table).contains("falcon.md").contains("cafeteria.md").doesNotContain("osprey.md");
        assertThat(table).contains("alpha"); // the upload took the key's group
        shot("documents-uploaded");
        WebElement delete = driver.findElement(By.cssSelector("button[aria-label$='handbook-upload.md']"));
        delete.click();
        driver.switchTo().alert().accept();
        wait.until(ExpectedConditions.not(ExpectedConditions.textToBePresentInElementLocated(By.id("sources"), "handbook-upload.md")));
        assertThat(driver.findElement(By.id("upload-status")).getText()).contains("Deleted");
        shot("documents-deleted");
    }

    @Test
    void theEvaluationReportShowsForAdminKeysAndTabsWorkFromTheKeyboard() throws Exception {
        useKey("admin");
        WebElement askTab = driver.findElement(By.id("tab-ask"));
        askTab.sendKeys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT); // Ask → Documents → Reports
        wait.until(ExpectedConditions.attributeToBe(By.id("tab-reports"), "aria-selected", "true"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#report-list button")));
        driver.findElement(By.cssSelector("#report-list button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("report-text"), "accuracy 0.81"));
        shot("report");
        useKey("reader");
        driver.findElement(By.id("tab-reports")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("reports-status"), "admin"));
        List<WebElement> items = driver.findElements(By.cssSelector("#report-list li"));
        assertThat(items).isEmpty();
    }
}
