package dev.weir.processor.measure.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.stack.Poll;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real Prometheus (Debian {@code prometheus}, from {@code bin/install-test-deps}) scraping one target every second,
 * and what the tests ask it: PromQL through its HTTP API, promtool over a scrape, every panel of a Grafana dashboard.
 * Every HTTP exchange is bounded as a whole (the JDK client's request timeout stops at the response headers, so a
 * stalled body would wait forever), and promtool reads and writes files instead of pipes.
 */
final class PrometheusProcess implements AutoCloseable {
    static final Duration EXCHANGE_TIMEOUT = Duration.ofSeconds(20);
    static final ObjectMapper JSON = new ObjectMapper();

    // HTTP/1.1: the default (HTTP/2) sends an h2c upgrade request on plain http, which neither Jetty nor Prometheus take up
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final Path dir;
    private final Process process;
    private final int port;

    /**
     * Starts Prometheus and waits until it is ready.
     *
     * @param dir    its configuration, data and log go here
     * @param target the port on 127.0.0.1 whose {@code /metrics} it scrapes every second
     */
    PrometheusProcess(Path dir, int target) throws IOException {
        requireOnPath("prometheus");
        requireOnPath("promtool");
        this.dir = dir;
        port = freePort();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, String.join("\n",
                "global:", "  scrape_interval: 1s", "  evaluation_interval: 1s",
                "scrape_configs:", "  - job_name: weir-processor", "    static_configs:",
                "      - targets: ['127.0.0.1:" + target + "']", ""));
        process = new ProcessBuilder("prometheus", "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        Poll.until(Duration.ofSeconds(60), () -> get("/-/ready").statusCode() == 200, () -> "Prometheus to be ready");
    }

    static void requireOnPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        boolean found = java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, tool)));
        assertThat(found).as("%s is not on the PATH (%s); run bin/install-test-deps", tool, path).isTrue();
    }

    /** @return the result vector of an instant query */
    JsonNode query(String promql) throws IOException, InterruptedException {
        HttpResponse<String> r = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        JsonNode body = JSON.readTree(r.body());
        if (!"success".equals(body.path("status").asText())) {
            throw new IllegalStateException("Prometheus refused " + promql + ": " + r.body());
        }
        return body.get("data").get("result");
    }

    /** @return the value of a query that must return one series, or NaN when it returns none */
    double single(String promql) throws IOException, InterruptedException {
        JsonNode r = query(promql);
        assertThat(r.size()).as("series of %s: %s", promql, r).isLessThanOrEqualTo(1);
        return r.isEmpty() ? Double.NaN : r.get(0).get("value").get(1).asDouble();
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(http, URI.create("http://127.0.0.1:" + port + path));
    }

    /** One exchange, headers and body, within {@link #EXCHANGE_TIMEOUT}. */
    static HttpResponse<String> send(HttpClient http, URI uri) throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<String>> response = http.sendAsync(HttpRequest.newBuilder(uri).timeout(EXCHANGE_TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        try {
            return response.get(EXCHANGE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            response.cancel(true);
            throw new IOException("No complete answer from " + uri + " within " + EXCHANGE_TIMEOUT, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /**
     * Runs {@code promtool check metrics} over a scrape.
     *
     * @param exposition the scraped text
     * @return what promtool reported (empty when it found nothing)
     */
    String promtoolCheck(String exposition) throws IOException, InterruptedException {
        Path input = Files.writeString(dir.resolve("scrape-" + System.nanoTime() + ".txt"), exposition);
        Path report = dir.resolve("promtool-" + System.nanoTime() + ".txt");
        // files, not pipes: promtool can neither wait for an input we never close nor block on an output we do not drain
        Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectInput(input.toFile())
                .redirectErrorStream(true).redirectOutput(report.toFile()).start();
        boolean exited = promtool.waitFor(30, TimeUnit.SECONDS);
        if (!exited) {
            promtool.destroyForcibly();
        }
        assertThat(exited).as("promtool exited within 30 s").isTrue();
        String out = Files.readString(report);
        return promtool.exitValue() == 0 ? out : out + "(exit status " + promtool.exitValue() + ")";
    }

    /**
     * @param dashboard a file of {@code deploy/grafana/dashboards}
     * @param service   what {@code $service} stands for
     * @return the panels' queries that returned no series, each as {@code file / title: expr}
     */
    List<String> emptyPanels(Path dashboard, String service) throws IOException, InterruptedException {
        List<String> empty = new ArrayList<>();
        for (JsonNode panel : JSON.readTree(dashboard.toFile()).get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                String expr = target.get("expr").asText().replace("$__rate_interval", "1m").replace("$service", service);
                if (query(expr).isEmpty()) {
                    empty.add(dashboard.getFileName() + " / " + panel.get("title").asText() + ": " + expr);
                }
            }
        }
        return empty;
    }

    /**
     * The panels of the named dashboards, queried against this Prometheus.
     *
     * @param queries how many panel queries were run
     * @param empty   those that returned no series, each as {@code file / title: expr}
     */
    record PanelCheck(int queries, List<String> empty) {
    }

    /**
     * @param names dashboard files in {@link #dashboards()}
     * @return how many of their panel queries ran, and which returned nothing (with {@code $service} as {@code .*})
     */
    PanelCheck checkDashboards(Iterable<String> names) throws IOException, InterruptedException {
        List<String> empty = new ArrayList<>();
        int checked = 0;
        for (String name : names) {
            Path file = dashboards().resolve(name);
            checked += queries(file);
            empty.addAll(emptyPanels(file, ".*"));
        }
        return new PanelCheck(checked, empty);
    }

    /** @return the number of queries in a dashboard */
    static int queries(Path dashboard) throws IOException {
        int n = 0;
        for (JsonNode panel : JSON.readTree(dashboard.toFile()).get("panels")) {
            n += panel.get("targets").size();
        }
        return n;
    }

    /** @return {@code deploy/grafana/dashboards} above the working directory */
    static Path dashboards() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("deploy/grafana/dashboards"))) {
            p = p.getParent();
        }
        assertThat(p).as("deploy/grafana/dashboards above the working directory").isNotNull();
        return p.resolve("deploy/grafana/dashboards");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
