package io.audiencelake.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Opens a run report in Debian's headless Chromium (packages chromium and chromium-driver, which .ci/run
 * installs) through ChromeDriver, the way a person opens the file: it checks that the page loads without
 * console errors and without fetching anything, that every chart draws its data points and no text of a chart
 * is cut off at its edge, and writes a screenshot of the whole page. Without the browser the calling test is
 * skipped, saying so.
 */
final class ReportBrowser {
    private static final Path CHROMIUM =
            Path.of(System.getenv().getOrDefault("AUDIENCELAKE_CHROMIUM", "/usr/bin/chromium"));
    private static final Path DRIVER =
            Path.of(System.getenv().getOrDefault("AUDIENCELAKE_CHROMEDRIVER", "/usr/bin/chromedriver"));

    private ReportBrowser() {}

    /** What the browser saw: charts by id with the marks drawn, the page's console messages, chart texts cut off. */
    record Seen(
            Map<String, Long> drawnMarks,
            Map<String, Long> declaredPoints,
            List<String> console,
            long resources,
            String title,
            List<String> clippedTexts) {}

    static boolean installed() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if (!present) {
            System.err.println("WARNING: headless Chromium is not installed (" + CHROMIUM + ", " + DRIVER
                    + "): a browser " + "check of the run report is SKIPPED");
        }
        return present;
    }

    /** Skips the calling test, with the reason on the console and in the report, when the browser is missing. */
    static void assumeInstalled() {
        if (!installed()) {
            Assumptions.assumeTrue(
                    false,
                    "headless Chromium is not installed (" + CHROMIUM + ", " + DRIVER
                            + "; apt-get install chromium chromium-driver): the browser check of the run report is SKIPPED");
        }
    }

    /** Loads {@code page}, checks it and writes {@code screenshot} (PNG); returns what it saw. */
    static Seen open(Path page, Path screenshot) throws IOException {
        assumeInstalled();
        Path profile = Files.createTempDirectory("audiencelake-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // The flags this machine needs: no sandbox as root, and no background traffic (there is no network).
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + profile,
                "--window-size=1360,1000");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(60))
                .build();
        ChromeDriver browser = new ChromeDriver(service, options);
        try {
            browser.get(page.toUri().toString());
            String title = browser.getTitle();
            Map<String, Long> drawn = new LinkedHashMap<>();
            Map<String, Long> declared = new LinkedHashMap<>();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> charts = (List<Map<String, Object>>)
                    browser.executeScript(
                            "return Array.from(document.querySelectorAll('figure.chart')).map(f => ({"
                                    + "id: f.dataset.chart, declared: Number(f.dataset.points),"
                                    + "drawn: Array.from(f.querySelectorAll('svg .mark')).filter(m => {"
                                    + "  const b = m.getBoundingClientRect(); return b.width > 0 || b.height > 0; }).length }))");
            for (Map<String, Object> c : charts) {
                drawn.put((String) c.get("id"), ((Number) c.get("drawn")).longValue());
                declared.put((String) c.get("id"), ((Number) c.get("declared")).longValue());
            }
            // A chart's text that reaches past its SVG's box is cut off on screen (an SVG clips what overflows it).
            @SuppressWarnings("unchecked")
            List<String> clipped = (List<String>) browser.executeScript(
                    "return Array.from(document.querySelectorAll('figure.chart svg text')).filter(t => {"
                            + "  const b = t.getBoundingClientRect(), s = t.ownerSVGElement.getBoundingClientRect();"
                            + "  return b.left < s.left - 1 || b.right > s.right + 1 || b.top < s.top - 1 || b.bottom > s.bottom + 1;"
                            + "}).map(t => t.closest('figure').dataset.chart + ': ' + t.textContent)");
            long resources = ((Number) browser.executeScript("return performance.getEntriesByType('resource').length"))
                    .longValue();
            List<String> console = new ArrayList<>();
            for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
                console.add(e.getLevel() + " " + e.getMessage());
            }
            long height = ((Number) browser.executeScript("return document.documentElement.scrollHeight")).longValue();
            browser.manage().window().setSize(new Dimension(1360, (int) Math.min(16000, height + 40)));
            Files.createDirectories(screenshot.toAbsolutePath().getParent());
            Files.write(screenshot, browser.getScreenshotAs(OutputType.BYTES));
            return new Seen(drawn, declared, console, resources, title, clipped);
        } finally {
            browser.quit();
        }
    }

    /**
     * The checks every report must pass in the browser: no console errors or warnings, nothing fetched, and
     * every chart on the page drawing at least one data point, as many as it declares.
     */
    static Seen check(Path page, Path screenshot) throws IOException {
        Seen seen = open(page, screenshot);
        assertEquals(
                List.of(),
                seen.console().stream()
                        .filter(m -> m.startsWith("SEVERE") || m.startsWith("WARNING"))
                        .toList(),
                "console errors");
        assertEquals(0, seen.resources(), "the page fetched something");
        assertEquals(List.of(), seen.clippedTexts(), "chart texts cut off at their chart's edge");
        assertTrue(!seen.drawnMarks().isEmpty(), "no chart on the page");
        seen.drawnMarks().forEach((chart, marks) -> {
            assertTrue(marks > 0, chart + " draws no data point");
            assertEquals(seen.declaredPoints().get(chart), marks, chart + ": drawn marks vs its data points");
        });
        assertTrue(Files.size(screenshot) > 10_000, "screenshot " + screenshot + " is empty");
        return seen;
    }
}
