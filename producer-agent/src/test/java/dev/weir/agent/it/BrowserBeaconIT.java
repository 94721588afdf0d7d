package dev.weir.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.weir.agent.AgentApp;
import dev.weir.agent.browser.BrowserSettings;
import dev.weir.agent.http.HttpSettings;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.junit.LocalStackExtension;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The browser beacon in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}): a test page
 * served from another origin than the agent's includes the agent's snippet and throws an error; its vitals and the
 * error reach the raw logs topic. The same page served from an origin the agent does not list is refused.
 */
@ExtendWith(LocalStackExtension.class)
class BrowserBeaconIT {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String DRIVER = "/usr/bin/chromedriver";
    static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    AgentApp agent;
    HttpServer site;
    ChromeDriver browser;
    Path profile;
    /** Where the site's page loads the snippet from: set once the agent runs. */
    volatile String agentUrl;

    @BeforeEach
    void startBrowser() throws IOException {
        assertThat(new File(CHROMIUM).canExecute() && new File(DRIVER).canExecute())
                .as(CHROMIUM + " and " + DRIVER + " (run bin/install-test-deps as root)").isTrue();
        profile = Files.createDirectories(dir.resolve("chromium"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1280,900", "--lang=en-US");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER)).usingAnyFreePort().build(),
                options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (site != null) {
            site.stop(0);
        }
        if (agent != null) {
            agent.close();
        }
    }

    /** Starts the agent on 127.0.0.1 with beacons from {@code origin} allowed, and the test site; @return the agent's base URL */
    private String start(KafkaBroker kafka, String topic, String origin) throws Exception {
        agent = IntakeAgent.start(kafka, topic, dir, "agent-default", "prod", "edge-1",
                HttpSettings.defaults().with(BrowserSettings.defaults().withOrigins(List.of(origin))));
        return "http://127.0.0.1:" + agent.httpPort();
    }

    /** Serves the shop's test page (including the snippet from {@link #agentUrl}) and its script on 127.0.0.1; @return the port */
    private int site() throws IOException {
        site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String page = """
                <!doctype html>
                <html><head><title>Cart</title>
                <script src="%s/v1/browser/weir.js" data-service="shop-web"></script>
                <script src="/static/cart.js?v=7" defer></script>
                </head>
                <body><h1>Your cart</h1><p>Three items, one of them a rather long description so that the page paints text.</p>
                <button id="pay">Pay</button></body></html>
                """;
        String script = """
                function renderTotals(cart) {
                  return cart.items.length;
                }
                window.addEventListener('load', function () {
                  setTimeout(function () { renderTotals(undefined); }, 50);
                });
                """;
        site.createContext("/cart", ex -> respond(ex, "text/html", page.formatted(agentUrl)));
        site.createContext("/static/cart.js", ex -> respond(ex, "text/javascript", script));
        site.createContext("/done", ex -> respond(ex, "text/html", "<!doctype html><p>done</p>"));
        site.start();
        return site.getAddress().getPort();
    }

    private static void respond(com.sun.net.httpserver.HttpExchange ex, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String topic(TestInfo info) {
        return "it.browser." + info.getTestMethod().orElseThrow().getName();
    }

    @Test
    void shouldShipVitalsAndTheErrorOfAPageFromAnAllowedOrigin(KafkaBroker kafka, TestInfo info) throws Exception {
        int port = site();
        // the page's origin: 127.0.0.1 on the site's port, another origin than the agent's
        agentUrl = start(kafka, topic(info), "http://127.0.0.1:" + port);

        browser.get("http://127.0.0.1:" + port + "/cart");
        try (TopicReader logs = new TopicReader(kafka.bootstrapServers(), topic(info) + ".logs")) {
            // the error goes out within a second of being thrown
            Poll.until(DEADLINE, () -> actions(logs).contains("javascript-error"), () -> "the JavaScript error; got " + actions(logs));
            // the vitals when the page is left
            browser.get("http://127.0.0.1:" + port + "/done");
            Poll.until(DEADLINE, () -> vitals(logs).containsAll(List.of("TTFB", "FCP")), () -> "TTFB and FCP; got " + vitals(logs));

            JsonNode error = logs.poll().stream().map(TopicReader.Rec::json)
                    .filter(j -> "javascript-error".equals(j.path("event.action").asText())).findFirst().orElseThrow();
            assertThat(error.get("log.level").asText()).isEqualTo("ERROR");
            assertThat(error.get("service.name").asText()).isEqualTo("shop-web");
            assertThat(error.get("url.path").asText()).isEqualTo("/cart");
            assertThat(error.get("error.type").asText()).isEqualTo("TypeError");
            assertThat(error.get("error.message").asText()).contains("reading 'items'");
            assertThat(error.get("error.stack_trace").asText()).contains("at renderTotals (http://127.0.0.1:" + port + "/static/cart.js?v=7:");
            assertThat(error.get("user_agent.original").asText()).contains("Chrome");
            assertThat(error.get("host.name").asText()).isEqualTo("edge-1");
            JsonNode ttfb = logs.poll().stream().map(TopicReader.Rec::json)
                    .filter(j -> "TTFB".equals(j.path("labels.vital").asText())).findFirst().orElseThrow();
            assertThat(ttfb.get("event.category").asText()).isEqualTo("web");
            assertThat(ttfb.get("event.action").asText()).isEqualTo("web-vital");
            assertThat(ttfb.get("url.path").asText()).isEqualTo("/cart");
            assertThat(ttfb.get("labels.value").asDouble()).isGreaterThan(0).isLessThan(60_000);
            assertThat(logs.poll()).extracting(TopicReader.Rec::key).containsOnly("shop-web");
        }
    }

    @Test
    void shouldRefuseBeaconsFromAnOriginNotListed(KafkaBroker kafka, TestInfo info) throws Exception {
        int port = site();
        agentUrl = start(kafka, topic(info), "https://shop.example.com");

        browser.get("http://127.0.0.1:" + port + "/cart");
        // what a page sees when it asks with fetch: the preflight is refused, so the browser refuses the request
        Object fetched = browser.executeAsyncScript("var done = arguments[arguments.length - 1];"
                + "fetch(arguments[0], {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{}'})"
                + ".then(function (r) { done('answered ' + r.status); }, function (e) { done('refused: ' + e.name); });",
                agentUrl + "/v1/browser");
        browser.get("http://127.0.0.1:" + port + "/done");

        assertThat(fetched).isEqualTo("refused: TypeError");
        // the preflight, and the snippet's beacon (the error, with the vitals when the page was left; or each alone)
        Poll.until(DEADLINE, () -> refusedByOrigin() >= 2, () -> "the preflight and the snippet's beacon refused; " + refusedByOrigin()
                + " refused");
        assertThat(agent.registry().get("weir.agent.events.read").tag("input", "browser").counter().count()).isZero();
    }

    private double refusedByOrigin() {
        var counter = agent.registry().find("weir.agent.browser.refused").tag("reason", "origin").counter();
        return counter == null ? 0 : counter.count();
    }

    private static List<String> actions(TopicReader logs) {
        return logs.poll().stream().map(r -> r.json().path("event.action").asText()).collect(Collectors.toList());
    }

    private static List<String> vitals(TopicReader logs) {
        return logs.poll().stream().map(r -> r.json().path("labels.vital").asText()).filter(v -> !v.isEmpty()).collect(Collectors.toList());
    }
}
