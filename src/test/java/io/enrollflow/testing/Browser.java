package io.enrollflow.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.htmlunit.HtmlUnitDriver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real browser for the console's tests: Chromium through {@code /usr/bin/chromedriver} when the Debian packages
 * {@code chromium} and {@code chromium-driver} are installed (.ci/run installs them), HtmlUnit otherwise, so that
 * {@code mvn verify} also passes on a machine with only a JDK and Maven. {@code webdriver.chrome.driver} is set so
 * Selenium Manager never downloads a driver or a browser. Which browser ran is printed once.
 * <p>
 * Lifecycle: one browser per test class (a static {@code @RegisterExtension} field), started on first use, quit after
 * the class; tests clear its cookies to start signed out. {@code -Denrollflow.browser=htmlunit} forces HtmlUnit (to
 * check the fallback on a machine that has Chromium).
 */
public final class Browser implements AfterAllCallback {

    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private WebDriver driver;
    private Path profile;
    private boolean chromium;

    /** The browser, started on first use. */
    public WebDriver driver() {
        if (driver == null) {
            start();
        }
        return driver;
    }

    /** True when this is real Chromium (screenshots are taken only then). */
    public boolean chromium() {
        driver();
        return chromium;
    }

    private void start() {
        if (Files.isExecutable(CHROMEDRIVER) && !"htmlunit".equals(System.getProperty("enrollflow.browser"))) {
            System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
            try {
                profile = Files.createTempDirectory("enrollflow-chromium-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ChromeOptions options = new ChromeOptions();
            for (String path : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
                if (Files.isExecutable(Path.of(path))) {
                    options.setBinary(path);
                    break;
                }
            }
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + profile);
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                    .usingAnyFreePort().build();
            driver = new ChromeDriver(service, options);
            chromium = true;
            System.out.println("browser: real Chromium " + ((ChromeDriver) driver).getCapabilities().getBrowserVersion()
                    + " via " + CHROMEDRIVER);
        } else {
            driver = new HtmlUnitDriver(true);
            chromium = false;
            System.out.println("browser: HtmlUnit (" + (Files.isExecutable(CHROMEDRIVER) ? "forced by -Denrollflow.browser=htmlunit"
                    : "no " + CHROMEDRIVER + "; install chromium and chromium-driver for the real browser") + ")");
        }
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    }

    /** Saves a screenshot of the current page as {@code docs/<name>.png} (real Chromium only; HtmlUnit draws nothing). */
    public void screenshot(String name) {
        if (!chromium()) {
            return;
        }
        try {
            Path docs = Path.of("docs");
            Files.createDirectories(docs);
            byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
            Files.write(docs.resolve(name + ".png"), png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sets the window size (a phone's, for one screenshot); Chromium only. */
    public void windowSize(int width, int height) {
        if (chromium()) {
            driver.manage().window().setSize(new org.openqa.selenium.Dimension(width, height));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (driver != null) {
            driver.quit();
            driver = null;
        }
        if (profile != null) {
            try {
                io.enrollflow.delivery.folder.FolderDelivery.deleteTree(profile);
            } catch (IOException e) {
                // a leftover temporary profile harms nothing; the next run makes a fresh one
            }
        }
    }
}
