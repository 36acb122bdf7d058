package dev.consentrelay.api;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.consentrelay.domain.Vendor;
import dev.consentrelay.testing.ApicurioRegistryResource;
import dev.consentrelay.testing.KafkaBrokerResource;
import dev.consentrelay.testing.TestKafka;
import dev.consentrelay.topology.VendorDirectory;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The reference preference centre in a real browser: Debian's headless Chromium, driven by Selenium through the
 * system chromedriver (never one Selenium would download), against the service on a real broker and registry, with
 * two partners whose webhook connectors acknowledge at once.
 */
@QuarkusTest
@TestProfile(PreferenceCentreIT.Partners.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = ApicurioRegistryResource.class, restrictToAnnotatedClass = false)
class PreferenceCentreIT {

    private static final String INGEST_KEY = "test-ingest-key";
    private static final String READ_KEY = "test-read-key";
    private static final Path SHOTS = Path.of("target", "preferences");

    private static ChromeDriver browser;

    @TestHTTPResource("/")
    String root;

    @Inject
    KafkaStreams streams;

    @Inject
    VendorDirectory vendors;

    /** The partners' connectors, pointed at the loopback servers of {@link PartnerServers}. */
    public static class Partners implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>();
            config.put("%test.consent-relay.processing.vendors-file", "src/test/resources/preference-vendors.yaml");
            for (String vendor : List.of("newsletter", "crm")) {
                config.put("consent-relay.connectors.vendors." + vendor + ".adapter", "webhook");
                // The partners' servers are on loopback, over plain http.
                config.put("consent-relay.connectors.vendors." + vendor + ".insecure", "true");
                config.put("consent-relay.connectors.vendors." + vendor + ".secret", "secret-of-" + vendor);
            }
            return config;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(PartnerServers.class));
        }
    }

    /** One loopback server per partner, answering 200 to every delivery. */
    public static class PartnerServers implements QuarkusTestResourceLifecycleManager {
        private final List<HttpServer> servers = new ArrayList<>();

        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>();
            for (String vendor : List.of("newsletter", "crm")) {
                try {
                    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                            0);
                    server.createContext("/consent", exchange -> {
                        exchange.getRequestBody().readAllBytes();
                        exchange.sendResponseHeaders(200, -1);
                        try (OutputStream out = exchange.getResponseBody()) {
                            out.flush();
                        }
                        exchange.close();
                    });
                    server.start();
                    servers.add(server);
                    config.put("consent-relay.connectors.vendors." + vendor + ".url",
                            "http://127.0.0.1:" + server.getAddress().getPort() + "/consent");
                } catch (IOException e) {
                    throw new IllegalStateException("Cannot start the " + vendor + " server", e);
                }
            }
            return config;
        }

        @Override
        public void stop() {
            servers.forEach(server -> server.stop(0));
        }
    }

    @BeforeAll
    static void openBrowser() throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=390,1100");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void awaitPipeline() {
        await().atMost(TestKafka.timeout()).until(() -> streams.state() == KafkaStreams.State.RUNNING);
        await().atMost(TestKafka.timeout()).until(() -> vendors.all().stream().map(Vendor::vendorId).toList()
                .containsAll(List.of("newsletter", "crm")));
    }

    @Test
    void aPersonTogglesAPurposeAndSeesTheirChoiceReachEveryPartner() throws IOException {
        String subject = "person-" + UUID.randomUUID();
        browser.manage().window().setSize(new Dimension(390, 1100));
        browser.get(link(subject));

        WebElement email = waitFor(By.id("purpose-email_marketing"));
        List<WebElement> boxes = browser.findElements(By.cssSelector("#purposes input[type=checkbox]"));
        assertThat(boxes).as("one control per purpose of the policy").hasSize(8)
                .allSatisfy(box -> assertThat(box.isSelected()).as("opt-in purposes start unchecked").isFalse());
        assertThat(browser.findElement(By.cssSelector("label[for=purpose-email_marketing]")).getText())
                .contains("E-mails about offers and news");
        assertThat(browser.findElement(By.id("policy-version")).getText()).isEqualTo("2026-11-01");
        WebElement accept = browser.findElement(By.id("accept-all"));
        WebElement refuse = browser.findElement(By.id("refuse-all"));
        assertThat(refuse.getSize()).as("refusing weighs what accepting weighs").isEqualTo(accept.getSize());
        assertThat(refuse.getCssValue("background-color")).isEqualTo(accept.getCssValue("background-color"));
        assertThat((Long) ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollWidth - window.innerWidth;")).as("no sideways scrolling on a"
                        + " phone-width screen")
                .isLessThanOrEqualTo(0L);

        // By keyboard: a grant, then its withdrawal, which the two partners must apply.
        email.sendKeys(Keys.SPACE);
        awaitLine("Your choice is recorded. No partner needed to be told.");
        email.sendKeys(Keys.SPACE);
        awaitLine("Your choice reached all 2 partners.");
        save("preference-centre.png");

        given().header("X-API-Key", READ_KEY).get("/v1/subjects/{id}/consent", subject).then().statusCode(200)
                .body("purposes.find { it.purpose == 'email_marketing' }.status",
                        org.hamcrest.Matchers.equalTo("WITHDRAWN"))
                .body("purposes.find { it.purpose == 'email_marketing' }.source",
                        org.hamcrest.Matchers.equalTo("PREFERENCE_CENTER"));
    }

    @Test
    void anExpiredOrForgedLinkOpensNothing() {
        String subject = "person-" + UUID.randomUUID();
        String valid = link(subject);

        browser.get(valid.replaceFirst("t=[^&]+", "t=forged"));
        assertThat(waitFor(By.id("error")).getText()).contains("not valid");
        assertThat(browser.findElement(By.id("choices")).isDisplayed()).isFalse();

        String expired = root.replaceAll("/$", "") + new PreferenceLinks(
                "test-identifier-key-0123456789".getBytes(StandardCharsets.UTF_8))
                .sign(subject, Instant.now().minusSeconds(60)).path();
        browser.get(expired);
        assertThat(waitFor(By.id("error")).getText()).contains("expired");

        browser.get(valid.replace("s=" + subject, "s=someone-else"));
        assertThat(waitFor(By.id("error")).getText()).as("a link names one subject").contains("not valid");
    }

    @Test
    void aBrowserWithGlobalPrivacyControlIsToldSoAndItsSignalIsHonoured() {
        String subject = "gpc-" + UUID.randomUUID();
        browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true});"));
        try {
            browser.get(link(subject));

            assertThat(waitFor(By.id("gpc")).getText()).contains("Global Privacy Control");
            await().atMost(TestKafka.timeout()).untilAsserted(() -> given().header("X-API-Key", READ_KEY)
                    .get("/v1/subjects/{id}/consent", subject).then().statusCode(200)
                    .body("gpc.active", org.hamcrest.Matchers.equalTo(true)));
        } finally {
            browser.quit();
            browser = null;
            try {
                openBrowser();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private String link(String subject) {
        String path = given().header("X-API-Key", INGEST_KEY).queryParam("subjectId", subject)
                .queryParam("ttl", "PT1H").post("/v1/preferences/links").then().statusCode(200).extract()
                .path("path");
        return root.replaceAll("/$", "") + path;
    }

    private WebElement waitFor(By locator) {
        return new WebDriverWait(browser, Duration.ofSeconds(20)).until(driver -> {
            WebElement element = driver.findElement(locator);
            return element.isDisplayed() ? element : null;
        });
    }

    private void awaitLine(String expected) {
        new WebDriverWait(browser, TestKafka.timeout()).until(
                driver -> driver.findElement(By.id("propagation")).getText().equals(expected));
    }

    /** A screenshot of the whole page at phone width, the propagation line included. */
    private void save(String name) throws IOException {
        long height = (Long) browser.executeScript("return document.documentElement.scrollHeight;");
        browser.manage().window().setSize(new Dimension(390, (int) height + 140));
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
