package dev.weir.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.weir.common.kafka.Topics;
import dev.weir.emitter.EmitterApp;
import dev.weir.processor.ProcessorApp;
import dev.weir.processor.config.ProcessorConfig;
import dev.weir.sink.SinkApp;
import dev.weir.sink.SinkConfig;
import dev.weir.stack.ElasticsearchNode;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.junit.LocalStackExtension;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The console in a real headless Chromium against a running Weir: a real broker and Elasticsearch
 * (local stack), the processor, the sink and the emitter (with a bearer token and a webhook receiver
 * stub), and the console in this JVM. Each page shows what the APIs answer; an error spike shows as
 * an alert; a silence made in the page stops the next notification; a search finds a planted line;
 * markup planted in messages, labels and service names stays text. Screenshots of every page go to
 * {@code console/docs/} ({@code -Dweir.console.screenshots}).
 */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String TOKEN = "console-it-token";
    private static final String SCRIPT = "<script>window.__xss=1</script>";
    private static final String IMG = "\"><img src=x onerror=window.__xss=2>";
    private static final String EVIL_SERVICE = "evil\"><img src=x onerror=window.__xss=3>";

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> notifications = new CopyOnWriteArrayList<>();
    private Path dir;
    private ProcessorApp processor;
    private SinkApp sink;
    private EmitterApp emitter;
    private HttpServer receiver;
    private ConsoleApp console;
    private KafkaProducer<String, byte[]> producer;
    private Browser browser;
    private String base;
    private String processorUrl;

    @BeforeAll
    void start(KafkaBroker kafka, ElasticsearchNode es) throws Exception {
        dir = Files.createTempDirectory("weir-console-it-");
        Path rules = dir.resolve("rules.yml");
        Files.writeString(rules, """
                rules:
                  - alert: HighErrorRate
                    signal: error_ratio
                    group_by: [service]
                    window: 1m
                    threshold: 20%
                    min_events: 10
                    severity: critical
                    annotations:
                      summary: "{{ $labels.service }}: {{ $value | humanizePercentage }} of requests fail"
                      runbook_url: https://runbooks.example.com/high-error-rate
                """);
        processor = new ProcessorApp(ProcessorConfig.defaults(kafka.bootstrapServers()).withHttpPort(0)
                .withStateDir(dir.resolve("processor")).withRules(new ProcessorConfig.Rules(rules, null, Duration.ofSeconds(1))),
                Clock.systemUTC());
        processor.start();
        processorUrl = "http://127.0.0.1:" + processor.httpPort();
        sink = new SinkApp(SinkConfig.defaults(kafka.bootstrapServers(), es.httpUrl()).withHttpPort(0), Clock.systemUTC());
        sink.start();

        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            notifications.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        Path am = dir.resolve("alertmanager.yml");
        Files.writeString(am, """
                route:
                  receiver: oncall
                  group_by: [alertname, service]
                  group_wait: 0s
                  group_interval: 1s
                  repeat_interval: 4h
                receivers:
                  - name: oncall
                    webhook_configs:
                      - url: http://127.0.0.1:%d/hook
                """.formatted(receiver.getAddress().getPort()));
        emitter = new EmitterApp(new EmitterApp.Settings(am, 0, kafka.bootstrapServers(), null, TOKEN, Clock.systemUTC(), null)).start();

        console = new ConsoleApp(new ConsoleApp.Settings(URI.create(processorUrl), URI.create("http://127.0.0.1:" + emitter.port()),
                URI.create(es.httpUrl()), URI.create("http://127.0.0.1:" + sink.httpPort()), null, "127.0.0.1", 0,
                Duration.ofSeconds(2), Clock.systemUTC())).start();
        base = "http://127.0.0.1:" + console.port();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
        browser = new Browser();
        // the emitter's API needs the token for reads too: give it once, as a user does at the first page
        open("/token");
        find("#token").sendKeys(TOKEN);
        find("#token-save").click();
        Poll.until(WAIT, () -> all("#token").isEmpty(), () -> "the token accepted");
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {browser, producer, console, emitter, () -> receiver.stop(0), sink, processor}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // keep closing the rest
                }
            }
        }
    }

    // ---- traffic -----------------------------------------------------------------------------------------

    private void requests(String service, String route, int count, int errors, double millis) {
        for (int i = 0; i < count; i++) {
            ObjectNode e = JSON.createObjectNode();
            e.put("@timestamp", Instant.now().toString());
            e.put("service.name", service);
            e.put("http.request.method", "GET");
            e.put("url.path", route);
            e.put("http.response.status_code", i < errors ? 503 : 200);
            e.put("event.duration", (long) (millis * 1_000_000L));
            e.put("trace.id", UUID.randomUUID().toString().replace("-", ""));
            send(Topics.RAW_REQUESTS, service, e.toString().getBytes(StandardCharsets.UTF_8));
        }
        producer.flush();
    }

    private void log(String service, String level, String message, Map<String, String> extra) {
        ObjectNode e = JSON.createObjectNode();
        e.put("@timestamp", Instant.now().toString());
        e.put("service.name", service);
        e.put("log.level", level);
        e.put("message", message);
        extra.forEach(e::put);
        send(Topics.RAW_LOGS, service, e.toString().getBytes(StandardCharsets.UTF_8));
        producer.flush();
    }

    private void send(String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value));
    }

    private JsonNode api(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode() + " from " + url + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private long hourRequests(String service) throws IOException, InterruptedException {
        for (JsonNode s : api(processorUrl + "/api/v1/overview").path("services")) {
            if (s.path("service").asText().equals(service)) {
                return s.path("windows").get(3).path("requests").asLong();
            }
        }
        return -1;
    }

    private void open(String path) {
        browser.driver.get(base + path);
    }

    private WebElement find(String css) {
        return browser.driver.findElement(By.cssSelector(css));
    }

    private List<WebElement> all(String css) {
        return browser.driver.findElements(By.cssSelector(css));
    }

    // Live parts are swapped every 2 s: read them in one script call each, never through an element held across calls.

    private String text(String css) {
        return (String) browser.driver.executeScript("var e = document.querySelector(arguments[0]); return e ? e.innerText : null;", css);
    }

    private String attr(String css, String name) {
        return (String) browser.driver.executeScript("var e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
                css, name);
    }

    private long count(String css) {
        return ((Number) browser.driver.executeScript("return document.querySelectorAll(arguments[0]).length;", css)).longValue();
    }

    private void click(String css) {
        browser.driver.executeScript("document.querySelector(arguments[0]).click();", css);
    }

    private void shot(String name) throws IOException {
        String target = System.getProperty("weir.console.screenshots");
        Path out = target == null || target.isBlank() ? dir.resolve("screenshots") : Path.of(target);
        browser.screenshot(out.resolve(name + ".png"));
    }

    private void assertNoScriptRan() {
        assertThat(browser.driver.executeScript("return window.__xss === undefined;")).isEqualTo(true);
    }

    // ---- tests -------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void servicesPageShowsEveryServiceWithTheQueryApisCounts() throws Exception {
        requests("checkout", "/api/cart", 40, 0, 35);
        requests("catalog", "/api/products/17", 25, 1, 120);
        requests("search", "/api/search", 12, 0, 900);
        requests(EVIL_SERVICE, "/x", 3, 0, 10);
        requests(SCRIPT, "/y", 2, 0, 10);
        Poll.until(WAIT, () -> hourRequests("checkout") == 40 && hourRequests("catalog") == 25 && hourRequests("search") == 12
                && hourRequests(EVIL_SERVICE) == 3 && hourRequests(SCRIPT) == 2, () -> "the processor to count every request");

        open("/services");
        JsonNode overview = api(processorUrl + "/api/v1/overview");
        @SuppressWarnings("unchecked")
        Map<String, Object> page = (Map<String, Object>) browser.driver.executeScript("""
                return { count: document.querySelector('#service-count').textContent,
                         rows: Array.from(document.querySelectorAll('#services tbody tr[data-service]')).map(r => ({
                             key: r.getAttribute('data-service'), name: r.querySelector('td.name').textContent,
                             requests: r.querySelector('td.rate1h').getAttribute('data-requests') })) };""");
        @SuppressWarnings("unchecked")
        List<Map<String, String>> rows = (List<Map<String, String>>) page.get("rows");
        assertThat(page.get("count")).isEqualTo(Integer.toString(overview.path("services").size()));
        assertThat(rows).hasSize(overview.path("services").size());
        for (JsonNode s : overview.path("services")) {
            String name = s.path("service").asText();
            Map<String, String> row = rows.stream().filter(r -> name.equals(r.get("key"))).findFirst().orElseThrow(
                    () -> new AssertionError("no row for service " + name));
            assertThat(row.get("name")).isEqualTo(name);
            assertThat(row.get("requests")).as(name).isEqualTo(s.path("windows").get(3).path("requests").asText());
        }
        assertNoScriptRan();
    }

    @Test
    @Order(2)
    void servicesPageRefreshesItsValuesWithoutReloading() throws Exception {
        open("/services");
        browser.driver.executeScript("window.__stayed = 'yes';");
        requests("checkout", "/api/cart", 15, 0, 35);
        Poll.until(WAIT, () -> hourRequests("checkout") == 55, () -> "the processor to count 55 checkout requests");
        Poll.until(WAIT, () -> "55".equals(attr("tr[data-service='checkout'] td.rate1h", "data-requests")),
                () -> "the page to show 55 checkout requests without a reload");
        assertThat(browser.driver.executeScript("return window.__stayed;")).isEqualTo("yes");
    }

    @Test
    @Order(3)
    void errorSpikeShowsAsAFiringAlertWithValueThresholdAndLinks() throws Exception {
        requests("payments", "/api/pay", 20, 12, 80);
        Poll.until(WAIT, () -> notifications.stream().anyMatch(n -> n.contains("HighErrorRate") && n.contains("payments")),
                () -> "the emitter to notify HighErrorRate for payments");
        open("/alerts");
        Poll.until(WAIT, () -> count("tr.alert[data-alertname='HighErrorRate']") > 0, () -> "the alert on the page");
        String row = "tr.alert[data-alertname='HighErrorRate']";
        assertThat(text(row)).contains("payments").contains("critical").contains("0.2");
        assertThat(attr(row + " a[target='_blank']", "href")).isEqualTo("https://runbooks.example.com/high-error-rate");
        assertThat(attr(row + " td.nowrap a", "href")).contains("/logs?service=payments");
        assertThat(count(row + " .exemplars a")).isPositive();
        assertThat(attr("table.alerts", "data-group-receiver")).isEqualTo("oncall");
        shot("alerts");

        open("/services/payments");
        Poll.until(WAIT, () -> "20".equals(text("#views tr[data-window='1h'] td.requests")), () -> "payments' 20 requests on its page");
        assertThat(text("#live")).contains("HighErrorRate").contains("/api/pay");
        Poll.until(WAIT, () -> count(".chart .uplot") == 3, () -> "the uPlot charts");
        shot("service");
    }

    @Test
    @Order(4)
    void silenceCreatedInThePageSuppressesTheNextNotificationUntilExpired() throws Exception {
        // a browser without the token: the emitter's API answers 401 and the console asks the user for it
        browser.driver.manage().deleteAllCookies();
        open("/alerts");
        Poll.until(WAIT, () -> !all("#token").isEmpty(), () -> "the token page");
        find("#token").sendKeys(TOKEN);
        find("#token-save").click();
        Poll.until(WAIT, () -> browser.driver.getCurrentUrl().contains("/alerts") && !all("#silence-matchers").isEmpty(),
                () -> "back on the Alerts page");
        find("#silence-matchers").clear();
        find("#silence-matchers").sendKeys("alertname=\"ConsoleProbe\"");
        find("#silence-comment").sendKeys("maintenance window");
        find("#silence-author").sendKeys("it");
        find("#silence-create").click();
        Poll.until(WAIT, () -> text("#notice") != null && text("#notice").contains("created"), () -> "the silence created");
        assertThat(text("#silences")).contains("alertname=\"ConsoleProbe\"").contains("maintenance window");

        postAlert("ConsoleProbe");
        postAlert("ConsoleControl");
        Poll.until(WAIT, () -> notifications.stream().anyMatch(n -> n.contains("ConsoleControl")), () -> "the control alert's notification");
        assertThat(notifications).noneMatch(n -> n.contains("ConsoleProbe"));
        open("/alerts");
        assertThat(text("tr.alert[data-alertname='ConsoleProbe']")).contains("silenced");

        click("#silences button.expire");
        Poll.until(WAIT, () -> notifications.stream().anyMatch(n -> n.contains("ConsoleProbe")),
                () -> "the ConsoleProbe notification once the silence expired");
        Poll.until(WAIT, () -> text("#silences") != null && text("#silences").contains("expired"), () -> "the silence listed as expired");
    }

    private void postAlert(String name) throws Exception {
        String body = "[{\"labels\":{\"alertname\":\"" + name + "\",\"severity\":\"warning\",\"service\":\"checkout\"},"
                + "\"annotations\":{\"summary\":\"probe\"}}]";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + emitter.port() + "/api/v2/alerts"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    @Order(5)
    void logSearchFindsAPlantedMessageAndShowsItsFieldsAndContext() throws Exception {
        String marker = "planted" + UUID.randomUUID().toString().replace("-", "");
        log("checkout", "info", "before the planted line", Map.of());
        log("checkout", "error", "Payment " + marker + " failed: connection reset by peer", Map.of("order_id", "A-1001"));
        log("checkout", "info", "after the planted line", Map.of());
        String url = "/logs?q=" + URLEncoder.encode(marker, StandardCharsets.UTF_8);
        Poll.until(WAIT, () -> {
            open(url);
            return !all("#hit-count").isEmpty() && find("#hit-count").getText().equals("1");
        }, () -> "the search to find the planted line");
        assertThat(find("#log-lines tbody").getText()).contains(marker).contains("checkout");
        open("/logs?service=checkout");
        shot("logs");
        open(url);
        find("#log-lines a[href^='/logs/event']").click();
        assertThat(find("#message").getText()).contains(marker);
        assertThat(find("#fields").getText()).contains("order_id").contains("A-1001").contains("service.name");
        Poll.until(WAIT, () -> {
            browser.driver.navigate().refresh();
            return find("#around").getText().contains("before the planted line") && find("#around").getText().contains("after the planted line");
        }, () -> "the lines around the planted one");
        shot("log-line");
    }

    @Test
    @Order(6)
    void markupPlantedInMessagesLabelsAndServiceNamesRendersAsText() throws Exception {
        String marker = "xss" + UUID.randomUUID().toString().replace("-", "");
        log(EVIL_SERVICE, "error", marker + " " + SCRIPT + " " + IMG, Map.of("note", SCRIPT + IMG));
        postAlertWithMarkup();
        String url = "/logs?q=" + URLEncoder.encode(marker, StandardCharsets.UTF_8);
        Poll.until(WAIT, () -> {
            open(url);
            return !all("#hit-count").isEmpty() && find("#hit-count").getText().equals("1");
        }, () -> "the line with markup indexed");
        assertThat(find("#log-lines tbody").getText()).contains(SCRIPT).contains(IMG).contains(EVIL_SERVICE);
        assertThat(all("#log-lines img")).isEmpty();
        assertNoScriptRan();
        find("#log-lines a[href^='/logs/event']").click();
        assertThat(find("#fields").getText()).contains(SCRIPT + IMG);
        assertThat(all("img")).isEmpty();
        assertNoScriptRan();

        open("/services");
        assertThat(text("tr[data-service='" + EVIL_SERVICE.replace("\"", "\\\"") + "'] td.name")).isEqualTo(EVIL_SERVICE);
        assertThat(text("#services")).contains(SCRIPT);
        assertThat(count("#services img")).isZero();
        assertNoScriptRan();

        open("/alerts");
        Poll.until(WAIT, () -> count("tr.alert[data-alertname='Markup']") > 0, () -> "the alert with markup");
        assertThat(text("tr.alert[data-alertname='Markup']")).contains(SCRIPT).contains(IMG);
        assertThat(count("tr.alert img")).isZero();
        assertThat(count("tr.alert[data-alertname='Markup'] a[target='_blank']")).as("no javascript: runbook link").isZero();
        assertNoScriptRan();
    }

    private void postAlertWithMarkup() throws Exception {
        ObjectNode alert = JSON.createObjectNode();
        alert.putObject("labels").put("alertname", "Markup").put("service", IMG).put("note", SCRIPT);
        alert.putObject("annotations").put("summary", SCRIPT + " " + IMG).put("runbook_url", "javascript:window.__xss=9");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + emitter.port() + "/api/v2/alerts"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[" + alert + "]")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    @Order(7)
    void securityPageShowsBurstsAndTopSourcesAsTheQueryApiCounts() throws Exception {
        for (int i = 0; i < 8; i++) {
            log("auth", "warn", "Login failed for user" + i, Map.of("event.category", "authentication", "event.outcome", "failure",
                    "user.name", "user" + i, "source.ip", "203.0.113.9"));
        }
        Poll.until(WAIT, () -> api(processorUrl + "/api/v1/security/detections?window=1h").path("detections").size() > 0,
                () -> "a login detection");
        // The detection fires on the failure that crosses the threshold; the page is compared with the API only
        // once all eight failures are counted, so both read the same state.
        Poll.until(WAIT, () -> {
            for (JsonNode source : api(processorUrl + "/api/v1/security/logins?window=1h&limit=15").path("sources")) {
                if (source.path("key").asText().equals("203.0.113.9")) {
                    return source.path("failures").asLong() >= 8;
                }
            }
            return false;
        }, () -> "all eight failures from 203.0.113.9 counted");
        open("/security?window=1h");
        JsonNode logins = api(processorUrl + "/api/v1/security/logins?window=1h&limit=15");
        JsonNode top = logins.path("sources").get(0);
        assertThat(text("#sources tr[data-key='" + top.path("key").asText() + "'] td.failures")).isEqualTo(top.path("failures").asText());
        assertThat(text("#detections")).contains("Failed-login burst").contains("203.0.113.9");
        assertThat(text("#users tbody")).contains("user3");
        shot("security");
    }

    @Test
    @Order(8)
    void pipelinePageShowsReadinessRatesAndDeadLettersAsTheMetricsCount() throws Exception {
        send(Topics.RAW_LOGS, "checkout", "{\"service.name\": \"checkout\", \"message\": \"cut".getBytes(StandardCharsets.UTF_8));
        send(Topics.RAW_LOGS, "checkout", new byte[] {'{', '"', 'm', '"', ':', '"', (byte) 0xff, 0x01, '<', 'b', '>', '"', '}'});
        producer.flush();
        Poll.until(WAIT, () -> {
            open("/pipeline");
            return text("#dead-letters").matches("(?s).*[1-9].*") && count(".dlq .sample") > 0;
        }, () -> "dead letters counted and indexed");
        requests("checkout", "/api/cart", 5, 0, 20);
        Poll.until(WAIT, () -> !text("[data-component='stream-processor']").contains("measuring"),
                () -> "the processor's rates after a refresh");
        for (String c : List.of("stream-processor", "sink-elastic", "alert-emitter", "elasticsearch")) {
            assertThat(attr("[data-component='" + c + "']", "class")).as(c).contains("up");
        }
        String metrics = http.send(HttpRequest.newBuilder(URI.create(processorUrl + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        @SuppressWarnings("unchecked")
        List<List<String>> reasons = (List<List<String>>) browser.driver.executeScript("return Array.from(document.querySelectorAll("
                + "'#dead-letters tr[data-reason]')).map(r => [r.getAttribute('data-reason'), r.querySelector('td.count').textContent]);");
        assertThat(reasons).isNotEmpty();
        for (List<String> row : reasons) {
            String reason = row.get(0);
            double expected = metrics.lines().filter(l -> l.startsWith("weir_deadletters_total{") && l.contains("reason=\"" + reason + "\""))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            assertThat(row.get(1).replace(",", "")).as(reason).isEqualTo(Long.toString(Math.round(expected)));
        }
        assertThat(count(".dlq img, .dlq b")).isZero();
        assertThat(text(".dlq[data-reason='invalid_utf8'] pre.original")).as("the original bytes, escaped")
                .isEqualTo("{\"m\":\"\\xFF\\x01<b>\"}");
        shot("pipeline");
    }

    @Test
    @Order(9)
    void servicesPageMarksAServiceWithAFiringCriticalAlert() throws Exception {
        open("/services");
        assertThat(attr("tr[data-service='payments']", "class")).contains("h-critical");
        assertThat(text("tr[data-service='payments'] a.badge")).isEqualTo("1");
        assertThat(attr("#services tbody tr[data-service]", "data-service")).as("critical first").isEqualTo("payments");
        shot("services");
    }
}
