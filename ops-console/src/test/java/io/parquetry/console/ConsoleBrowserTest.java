package io.parquetry.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What a person sees, with real parts: a recorder and a converter run as processes of their own, the console runs on a
 * real port, and Debian's headless Chromium (installed by .ci/run) opens the dashboard. It sees the converter running
 * and a bad entry as one error card while the others update; charts with titled axes and UTC times with the date; logs
 * in, flushes and sees the committed file with its partition; is asked to confirm a pause; sees a stopped converter's
 * backlog grow instead of a lag of 0; and, once the console is gone, sees that the connection is lost and the numbers
 * are stale. Screenshots go to target/.
 */
@Tag("slow")
@Tag("browser")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class ConsoleBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private static LiveFixture fixture;
    private static Thread producer;
    private static final AtomicBoolean producing = new AtomicBoolean(true);

    static synchronized LiveFixture fixture() {
        if (fixture == null) {
            try {
                fixture = new LiveFixture("browser", "1h");
                producer = new Thread(() -> {
                    try {
                        while (producing.get()) {
                            fixture.append(200);
                            Thread.sleep(100);
                        }
                    } catch (Exception e) {
                        if (producing.get()) {
                            throw new IllegalStateException(e);
                        }
                    }
                }, "browser-test-producer");
                producer.start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return fixture;
    }

    static Path dir() {
        return fixture().dir;
    }

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        r.add("parquetry.console.converters[0].id", () -> "md");
        r.add("parquetry.console.converters[0].status-file", () -> fixture().converterStatus().toString());
        // A mistake in the config: a converter entry pointing at the recorder's status file.
        r.add("parquetry.console.converters[1].id", () -> "broken");
        r.add("parquetry.console.converters[1].status-file", () -> fixture().recorderStatus().toString());
        r.add("parquetry.console.recorders[0].id", () -> "rec");
        r.add("parquetry.console.recorders[0].status-file", () -> fixture().recorderStatus().toString());
        r.add("parquetry.console.security.username", () -> "operator");
        r.add("parquetry.console.security.password", () -> "s3cret");
        r.add("parquetry.console.rate-window", () -> "5s");
        r.add("parquetry.console.lag-warn", () -> "2s");
    }

    @AfterAll
    static void stop() throws Exception {
        producing.set(false);
        if (producer != null) {
            producer.join(5_000);
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    ServletWebServerApplicationContext context;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    @SuppressWarnings("unchecked")
    void operatorSeesTrustworthyNumbersAndColours() throws Exception {
        boolean haveBrowser = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (System.getenv("CI") != null) {
            assertThat(haveBrowser).as("CI must install chromium and chromium-driver (see .ci/run)").isTrue();
        }
        Assumptions.assumeTrue(haveBrowser, "Debian's chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,1300", "--user-data-dir=" + Files.createTempDirectory(dir(), "chrome"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .build();
        WebDriver driver = new ChromeDriver(service, options);
        Path shots = Path.of("target");
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
            String base = "http://127.0.0.1:" + port;
            driver.get(base + "/");
            wait.until(ExpectedConditions.textMatches(By.id("state-md"), Pattern.compile("(?i)running")));
            wait.until(ExpectedConditions.textMatches(By.id("state-rec"), Pattern.compile("(?i)running")));

            // The bad entry is one error card; the others keep updating.
            wait.until(ExpectedConditions.textMatches(By.id("error-broken"), Pattern.compile("another kind's")));
            assertThat(driver.findElement(By.id("state-broken")).getText()).isEqualToIgnoringCase("error");
            long appended1 = number(driver.findElement(By.id("appended-rec")).getText());
            Thread.sleep(2_500);
            long appended2 = number(driver.findElement(By.id("appended-rec")).getText());
            assertThat(appended2).as("the recorder's card updates beside the error card").isGreaterThan(appended1);
            String lag = driver.findElement(By.id("lag-md")).getText();
            assertThat(lag.replace(",", "")).as("lag shown as a number").matches("\\d+");

            // Charts: Chart.js, served by the console, with titled axes and UTC times with the date.
            wait.until(d -> chart(d, "chart-lag-md") != null && ((List<?>) chart(d, "chart-lag-md").get("xticks")).size() > 1);
            Map<String, Object> lagChart = chart(driver, "chart-lag-md");
            assertThat(lagChart.get("x")).isEqualTo("time (UTC)");
            assertThat(lagChart.get("y")).isEqualTo("records");
            assertThat((List<Object>) lagChart.get("labels")).contains("not read yet (backlog)", "read, not committed (current file)");
            assertThat(String.valueOf(((List<?>) lagChart.get("xticks")).get(0))).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
            assertThat(((Number) lagChart.get("points")).intValue()).isGreaterThan(1);
            Map<String, Object> rateChart = chart(driver, "chart-rate-md");
            assertThat(rateChart.get("y")).isEqualTo("records/s");
            assertThat(rateChart.get("y1")).isEqualTo("MB/s");
            assertThat(chart(driver, "chart-rate-rec").get("y")).isEqualTo("records/s");
            Thread.sleep(3_000); // a few more samples for the screenshot
            Files.write(shots.resolve("console-dashboard.png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));

            // Not logged in: the controls send the operator to the login page.
            driver.findElement(By.id("login-link")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
            driver.findElement(By.id("username")).sendKeys("operator");
            driver.findElement(By.id("password")).sendKeys("s3cret");
            driver.findElement(By.id("login-submit")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("logout")));
            wait.until(ExpectedConditions.textMatches(By.id("state-md"), Pattern.compile("(?i)running")));

            driver.findElement(By.id("flush-md")).click();
            wait.until(ExpectedConditions.textMatches(By.id("outcome-md"), Pattern.compile("flushed: committed .*\\.parquet")));
            wait.until(ExpectedConditions.textMatches(By.id("last-commit-md"),
                    Pattern.compile("dt=\\d{4}-\\d\\d-\\d\\d/hour=\\d\\d/part-browser-[0-9a-f]{16}-\\d+\\.parquet.* UTC")));
            String committed = driver.findElement(By.id("outcome-md")).getText().replace("flushed: committed ", "").trim();
            assertThat(Path.of(java.net.URI.create(committed))).exists();

            // Pause asks first; Cancel leaves the converter running.
            driver.findElement(By.id("pause-md")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-pause-md")));
            assertThat(driver.findElement(By.id("confirm-pause-md")).getText()).contains("until resumed");
            Files.write(shots.resolve("console-pause-confirm.png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            driver.findElement(By.id("confirm-pause-no-md")).click();
            wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("confirm-pause-md")));
            Thread.sleep(1_500);
            assertThat(driver.findElement(By.id("state-md")).getText()).isEqualToIgnoringCase("running");
            driver.findElement(By.id("pause-md")).click();
            driver.findElement(By.id("confirm-pause-yes-md")).click();
            wait.until(ExpectedConditions.textMatches(By.id("state-md"), Pattern.compile("(?i)paused")));
            wait.until(ExpectedConditions.textMatches(By.id("pause-info-md"), Pattern.compile("paused since \\d{4}-\\d\\d-\\d\\d .* UTC")));
            // Paused while records keep coming: behind for longer than lag-warn (2 s here), the card says LAGGING.
            wait.until(ExpectedConditions.textMatches(By.id("state-md"), Pattern.compile("(?i)paused · lagging")));
            wait.until(d -> number(d.findElement(By.id("lag-md")).getText()) > 0);
            Thread.sleep(2_500);
            Files.write(shots.resolve("console-lagging.png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            driver.findElement(By.id("resume-md")).click();
            wait.until(ExpectedConditions.textMatches(By.id("state-md"), Pattern.compile("(?i)running")));

            // The converter stops while records keep coming: the lag grows, from the recorder's head; never "0".
            fixture().stopConverter();
            wait.until(ExpectedConditions.textMatches(By.id("state-md"), Pattern.compile("(?i)stopped")));
            wait.until(d -> {
                String t = d.findElement(By.id("lag-md")).getText();
                return t.equals("unknown") || number(t) > 0;
            });
            Thread.sleep(5_000); // the backlog grows on the chart too
            String stoppedLag = driver.findElement(By.id("lag-md")).getText();
            assertThat(stoppedLag).as("a stopped converter's lag").matches("unknown|(≥ )?[1-9][\\d,]*");
            assertThat(driver.findElement(By.id("lagtime-md")).getText()).as("time behind").containsPattern("\\d+ s|min|unknown");
            Files.write(shots.resolve("console-stopped-backlog.png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));

            // The detail page: recent files with their partition.
            driver.get(base + "/converter.html?id=md");
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#commits tbody tr")));
            String commits = driver.findElement(By.cssSelector("#commits tbody")).getText();
            assertThat(commits).contains("part-browser-").contains("command").containsPattern("dt=\\d{4}-\\d\\d-\\d\\d/hour=\\d\\d");
            Thread.sleep(2_500);
            Files.write(shots.resolve("console-converter.png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));

            List<String> problems = browserProblems(driver);
            assertThat(problems).as("the browser's console: content security policy and script errors").isEmpty();

            // The console goes away: the open page says so and marks what it shows as stale.
            driver.get(base + "/");
            wait.until(ExpectedConditions.textMatches(By.id("state-md"), Pattern.compile("(?i)stopped")));
            Thread.sleep(1_500);
            context.getWebServer().stop();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("connection")));
            assertThat(driver.findElement(By.id("connection")).getText()).contains("Connection to the console lost").contains("not updating");
            wait.until(ExpectedConditions.textMatches(By.id("state-rec"), Pattern.compile("(?i)unknown")));
            assertThat(driver.findElement(By.id("stale-rec")).getText()).contains("not updating: last seen running at");
            assertThat(driver.findElement(By.tagName("body")).getDomAttribute("class")).contains("stale");
            Thread.sleep(1_500);
            Files.write(shots.resolve("console-connection-lost.png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } finally {
            driver.quit();
        }
    }

    private static long number(String text) {
        String digits = text.replaceAll("[^0-9]", "");
        return digits.isEmpty() ? 0 : Long.parseLong(digits);
    }

    /** What a Chart.js chart shows: axis titles, tick labels, dataset labels and the number of points. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> chart(WebDriver d, String canvasId) {
        return (Map<String, Object>) ((JavascriptExecutor) d).executeScript(
                "const c = window.Chart && Chart.getChart(document.getElementById(arguments[0]));"
                        + "if (!c) return null;"
                        + "return {x: c.options.scales.x.title.text, y: c.options.scales.y.title.text,"
                        + " y1: c.options.scales.y1 ? c.options.scales.y1.title.text : null,"
                        + " xticks: c.scales.x.ticks.map(t => Array.isArray(t.label) ? t.label.join(' ') : t.label),"
                        + " labels: c.data.datasets.map(s => s.label), points: c.data.datasets[0].data.length};", canvasId);
    }

    /** Errors the page's console logged (a refused script or style, an exception), but not failed polls. */
    private static List<String> browserProblems(WebDriver driver) {
        try {
            List<LogEntry> all = driver.manage().logs().get(LogType.BROWSER).getAll();
            System.out.println("browser console: " + all.size() + " entries");
            all.forEach(e -> System.out.println("browser console: " + e.getLevel() + " " + e.getMessage()));
            return all.stream().filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage)
                    .filter(m -> m.contains("Content Security Policy") || m.contains("Uncaught") || m.contains("Refused")).toList();
        } catch (RuntimeException e) {
            System.out.println("browser console: not available from this driver: " + e);
            return List.of(); // this driver does not give the browser's log
        }
    }
}
