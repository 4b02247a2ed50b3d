package io.parquetry.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What a person sees, with real parts: a recorder and a converter run as processes of their own, the console runs on a
 * real port, and Debian's headless Chromium (installed by .ci/run) opens the dashboard, sees the converter running and
 * its lag, logs in, clicks Flush and sees the committed file appear. Screenshots go to target/.
 */
@Tag("slow")
@Tag("browser")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
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
        r.add("parquetry.console.recorders[0].id", () -> "rec");
        r.add("parquetry.console.recorders[0].status-file", () -> fixture().recorderStatus().toString());
        r.add("parquetry.console.security.username", () -> "operator");
        r.add("parquetry.console.security.password", () -> "s3cret");
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

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void operatorSeesTheConverterLogsInAndFlushes() throws Exception {
        boolean haveBrowser = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (System.getenv("CI") != null) {
            assertThat(haveBrowser).as("CI must install chromium and chromium-driver (see .ci/run)").isTrue();
        }
        Assumptions.assumeTrue(haveBrowser, "Debian's chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,1100", "--user-data-dir=" + Files.createTempDirectory(dir(), "chrome"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .build();
        WebDriver driver = new ChromeDriver(service, options);
        Path shots = Path.of("target");
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
            String base = "http://127.0.0.1:" + port;
            driver.get(base + "/");
            wait.until(ExpectedConditions.textMatches(By.id("state-md"), java.util.regex.Pattern.compile("(?i)running")));
            wait.until(ExpectedConditions.textMatches(By.id("state-rec"), java.util.regex.Pattern.compile("(?i)running")));
            String lag = driver.findElement(By.id("lag-md")).getText();
            assertThat(lag.replace(",", "")).as("lag shown as a number").matches("\\d+");
            assertThat(driver.findElement(By.id("flush-md")).isEnabled()).isTrue();

            // Not logged in: the controls send the operator to the login page.
            driver.findElement(By.id("login-link")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
            driver.findElement(By.id("username")).sendKeys("operator");
            driver.findElement(By.id("password")).sendKeys("s3cret");
            driver.findElement(By.id("login-submit")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("logout")));
            wait.until(ExpectedConditions.textMatches(By.id("state-md"), java.util.regex.Pattern.compile("(?i)running")));

            driver.findElement(By.id("flush-md")).click();
            wait.until(ExpectedConditions.textMatches(By.id("outcome-md"), java.util.regex.Pattern.compile("flushed: committed .*\\.parquet")));
            wait.until(ExpectedConditions.textMatches(By.id("last-commit-md"), java.util.regex.Pattern.compile("part-browser-[0-9a-f]{16}-\\d+\\.parquet.*")));
            String committed = driver.findElement(By.id("outcome-md")).getText().replace("flushed: committed ", "").trim();
            assertThat(Path.of(java.net.URI.create(committed))).exists();
            Thread.sleep(2500); // let the charts draw a few samples for the screenshot
            Files.write(shots.resolve("console-dashboard.png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));

            driver.findElement(By.linkText("md")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#commits tbody tr")));
            assertThat(driver.findElement(By.cssSelector("#commits tbody")).getText()).contains("part-browser-").contains("command");
            Files.write(shots.resolve("console-converter.png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } finally {
            driver.quit();
        }
    }
}
