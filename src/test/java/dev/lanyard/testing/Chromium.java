package dev.lanyard.testing;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A real headless Chromium, driven by Selenium, for tests that need what only a browser does:
 * run the console's script, use the clipboard, move the focus. One per test class; close it after all.
 *
 * <p>Debian's {@code chromium} and {@code chromedriver} at fixed paths (bin/test installs them), both
 * handed to Selenium, so Selenium Manager never looks for a browser or downloads one. A missing one
 * fails the test: a browser test that skips itself would pass unseen.
 */
public final class Chromium implements AutoCloseable {
    private static final Path BROWSER = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    /**
     * Selenium warns on every start that it has no typed CDP API for this Chromium version; the
     * tests use none (chromedriver's own commands only), so Debian's updates need no new jar.
     */
    private static final Logger CDP_VERSION_WARNING = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP_VERSION_WARNING.setLevel(Level.SEVERE);
    }

    private final ChromeDriver driver;
    private final Path profile;

    private Chromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    public static Chromium start() {
        for (Path required : List.of(BROWSER, DRIVER)) {
            if (!Files.isExecutable(required)) {
                throw new IllegalStateException(required + " is missing: the browser tests need Debian's chromium and "
                        + "chromium-driver. bin/test installs them; by hand: apt-get install chromium chromium-driver");
            }
        }
        Path profile;
        try {
            profile = Files.createTempDirectory("lanyard-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions().setBinary(BROWSER.toFile()).addArguments(
                "--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900", "--no-first-run",
                // The machine's network reaches nothing but package registries: Chromium's own calls home
                // (updates, sync, QUIC probes) would only fail, many at a time.
                "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        return new Chromium(new ChromeDriver(service, options), profile);
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Waits (up to 10 s) until a visible element matches, and returns it. */
    public WebElement visible(By by) {
        return patiently(PATIENCE).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** Waits (up to 10 s) until the element's text contains {@code text}. */
    public void waitForText(By by, String text) {
        patiently(PATIENCE).until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    /** Waits (up to 10 s) until the element has the keyboard focus. */
    public void waitForFocus(By by) {
        patiently(PATIENCE).until(d -> d.findElement(by).equals(d.switchTo().activeElement()));
    }

    /** Waits (up to 10 s) for a page whose path (and query) starts with {@code path}. */
    public void waitForPath(String path) {
        patiently(PATIENCE).until(d -> {
            String url = d.getCurrentUrl();
            return url != null && url.replaceFirst("^https?://[^/]+", "").startsWith(path);
        });
    }

    /**
     * Waits up to {@code patience} for {@code condition}: for pages of other servers (Keycloak)
     * that may take longer than 10 s to answer on a busy machine.
     */
    public <T> T waitUntil(Duration patience, java.util.function.Function<? super WebDriver, T> condition) {
        // A page that moves on while the condition reads it (Keycloak's redirects, scripts) is read again.
        return patiently(patience).until(condition);
    }

    /** Forgets every cookie of every site (Chromium's DevTools command), as a new browser would. */
    public void clearCookies() {
        driver.executeCdpCommand("Network.clearBrowserCookies", java.util.Map.of());
    }

    /**
     * Lets the current page's origin read the clipboard, as a person allowing it would (Chromium
     * asks first; headless there is nobody to ask). Writing needs no grant: a click is enough.
     */
    public void allowClipboard() {
        driver.setPermission("clipboard-read", "granted");
    }

    /** What the page wrote to the browser's console: script errors, CSP violations, failed loads. */
    public List<String> consoleMessages() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::toString).toList();
    }

    /** What the clipboard holds now, read in the page with navigator.clipboard.readText(). */
    public String clipboard() {
        Object text = driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "navigator.clipboard.readText().then(done, e => done('clipboard refused: ' + e));");
        return String.valueOf(text);
    }

    /** Saves the viewport as target/screenshots/{name}.png, for people to look at; returns its path. */
    public Path screenshot(String name) {
        try {
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.createDirectories(file.getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a leftover temp profile is not worth failing a run for
            }
        }
    }

    /**
     * A wait that reads the page again when it moved on under the read: the old page's element is
     * gone ({@link StaleElementReferenceException}) or, when the read lands mid-navigation, Chromium
     * answers "Node with given id does not belong to the document" as a plain {@link WebDriverException}.
     */
    private WebDriverWait patiently(Duration patience) {
        WebDriverWait wait = new WebDriverWait(driver, patience);
        wait.ignoring(StaleElementReferenceException.class);
        wait.ignoring(WebDriverException.class);
        return wait;
    }
}
