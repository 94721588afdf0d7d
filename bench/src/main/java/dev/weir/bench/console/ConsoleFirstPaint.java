package dev.weir.bench.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.weir.common.kafka.Topics;
import dev.weir.console.ConsoleApp;
import dev.weir.emitter.EmitterApp;
import dev.weir.processor.ProcessorApp;
import dev.weir.processor.config.ProcessorConfig;
import java.io.File;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * First paint of the console's Services page with N services, in headless Chromium: a real processor
 * measures N services' requests, the console renders the page from its {@code /api/v1/overview}, and
 * the browser's {@code first-contentful-paint} is read after each navigation. Baseline in the same run:
 * the same HTML bytes (saved from the console) served as a static file by a bare JDK HTTP server, so
 * the ratio is what the console's data fetching and rendering add to what the browser needs anyway.
 */
public final class ConsoleFirstPaint {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConsoleFirstPaint() {
    }

    /**
     * @param services  services shown
     * @param rounds    navigations measured per side
     * @param consoleMs first-contentful-paint of the console's page per round, ms
     * @param staticMs  first-contentful-paint of the same HTML served statically per round, ms
     * @param htmlBytes size of the page
     */
    public record Result(int services, int rounds, List<Double> consoleMs, List<Double> staticMs, int htmlBytes) {
    }

    /**
     * @param bootstrap a broker with no other data in Weir's topics
     * @param services  how many services
     * @param rounds    navigations per side (after one warm-up each)
     * @param dir       a work directory
     * @param out       progress
     * @return the figures
     * @throws Exception when something does not start
     */
    public static Result run(String bootstrap, int services, int rounds, Path dir, PrintStream out) throws Exception {
        Files.createDirectories(dir);
        try (ProcessorApp processor = startProcessor(bootstrap, dir)) {
            String processorUrl = "http://127.0.0.1:" + processor.httpPort();
            produce(bootstrap, services);
            waitForServices(processorUrl, services, out);
            Path am = dir.resolve("alertmanager.yml");
            Files.writeString(am, "route:\n  receiver: none\nreceivers:\n  - name: none\n");
            try (EmitterApp emitter = new EmitterApp(new EmitterApp.Settings(am, 0, null, null, null, Clock.systemUTC(), null)).start();
                 ConsoleApp console = new ConsoleApp(new ConsoleApp.Settings(URI.create(processorUrl),
                         URI.create("http://127.0.0.1:" + emitter.port()), URI.create("http://127.0.0.1:9"), null, null,
                         "127.0.0.1", 0, Duration.ofSeconds(5), Clock.systemUTC())).start()) {
                String consoleUrl = "http://127.0.0.1:" + console.port() + "/services";
                byte[] html = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(consoleUrl)).build(),
                        HttpResponse.BodyHandlers.ofByteArray()).body();
                // the baseline: the same bytes as a static file; its styles and scripts come from the console, as the page's do
                HttpClient client = HttpClient.newHttpClient();
                String consoleBase = "http://127.0.0.1:" + console.port();
                HttpServer bare = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                bare.createContext("/", exchange -> {
                    byte[] body = html;
                    String type = "text/html; charset=utf-8";
                    if (!exchange.getRequestURI().getPath().equals("/services")) {
                        try {
                            HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(consoleBase
                                    + exchange.getRequestURI().getPath())).build(), HttpResponse.BodyHandlers.ofByteArray());
                            body = r.body();
                            type = r.headers().firstValue("Content-Type").orElse("application/octet-stream");
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    exchange.getResponseHeaders().add("Content-Type", type);
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
                bare.start();
                try (Browser browser = new Browser(dir.resolve("chromium"))) {
                    String staticUrl = "http://127.0.0.1:" + bare.getAddress().getPort() + "/services";
                    List<Double> consoleMs = new ArrayList<>();
                    List<Double> staticMs = new ArrayList<>();
                    browser.firstPaint(consoleUrl);
                    browser.firstPaint(staticUrl);
                    for (int i = 0; i < rounds; i++) {
                        consoleMs.add(browser.firstPaint(consoleUrl));
                        staticMs.add(browser.firstPaint(staticUrl));
                    }
                    out.printf("  console first paint %s ms, static %s ms%n", consoleMs, staticMs);
                    return new Result(services, rounds, consoleMs, staticMs, html.length);
                } finally {
                    bare.stop(0);
                }
            }
        }
    }

    private static ProcessorApp startProcessor(String bootstrap, Path dir) {
        ProcessorApp app = new ProcessorApp(ProcessorConfig.defaults(bootstrap).withHttpPort(0)
                .withStateDir(dir.resolve("processor")), Clock.systemUTC());
        app.start();
        return app;
    }

    private static void produce(String bootstrap, int services) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int s = 0; s < services; s++) {
                String service = String.format("svc-%03d", s);
                for (int i = 0; i < 4; i++) {
                    ObjectNode e = JSON.createObjectNode();
                    e.put("@timestamp", Instant.now().toString());
                    e.put("service.name", service);
                    e.put("http.request.method", "GET");
                    e.put("url.path", "/api/items/" + i);
                    e.put("http.response.status_code", i == 0 && s % 10 == 0 ? 503 : 200);
                    e.put("event.duration", (long) ((20 + (s * 7 + i * 13) % 400) * 1_000_000L));
                    producer.send(new ProducerRecord<>(Topics.RAW_REQUESTS, service, e.toString().getBytes(StandardCharsets.UTF_8)));
                }
            }
        }
    }

    private static void waitForServices(String processorUrl, int services, PrintStream out) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        int seen = 0;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(processorUrl + "/api/v1/services")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                seen = JSON.readTree(r.body()).path("services").size();
                if (seen >= services) {
                    out.printf("  processor measures %d services%n", seen);
                    return;
                }
            }
            Thread.sleep(500); // polling interval while the processor catches up, not a synchronisation
        }
        throw new IllegalStateException("The processor measured " + seen + " of " + services + " services within 3 minutes.");
    }

    /** Headless Chromium, as the console's tests run it. */
    static final class Browser implements AutoCloseable {
        private final ChromeDriver driver;

        Browser(Path profile) throws Exception {
            Files.createDirectories(profile);
            ChromeOptions options = new ChromeOptions();
            options.setBinary("/usr/bin/chromium");
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                    "--user-data-dir=" + profile, "--window-size=1440,1000", "--disable-cache");
            driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                    .usingAnyFreePort().build(), options);
        }

        /** @return first-contentful-paint of a fresh navigation to {@code url}, ms since navigation start */
        double firstPaint(String url) {
            driver.get("about:blank");
            driver.get(url);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                Object v = driver.executeScript(
                        "var e = performance.getEntriesByName('first-contentful-paint'); return e.length ? e[0].startTime : null;");
                if (v instanceof Number n) {
                    return n.doubleValue();
                }
            }
            throw new IllegalStateException("No first-contentful-paint of " + url + " within 30 s.");
        }

        @Override
        public void close() {
            driver.quit();
        }
    }
}
