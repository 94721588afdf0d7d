package dev.weir.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.weir.common.kafka.KafkaSettings;
import dev.weir.agent.AgentApp;
import dev.weir.agent.AgentSettings;
import dev.weir.agent.http.HttpSettings;
import dev.weir.agent.probe.ProbesPublisher;
import dev.weir.common.kafka.Topics;
import dev.weir.processor.ProcessorApp;
import dev.weir.processor.config.ProcessorConfig;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.junit.LocalStackExtension;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The public status page in a real headless Chromium, fed by a real agent probing a local HTTP server
 * through a real broker and processor: the target shows operational, goes down (with its public
 * incident) when the server answers 503, and comes back up, live, without a reload and without a token;
 * the page shows no address.
 */
@ExtendWith(LocalStackExtension.class)
class StatusPageIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private HttpServer target;
    private ProcessorApp processor;
    private AgentApp agent;
    private ConsoleApp console;
    private Browser browser;
    private final AtomicReference<Integer> status = new AtomicReference<>(200);

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {browser, console, agent, processor, () -> target.stop(0)}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // keep closing the rest
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> read() {
        return (Map<String, Object>) browser.driver.executeScript("""
                const t = document.querySelector('[data-name="shop-health"]');
                const incidents = [...document.querySelectorAll('#incidents .incident')].map(e => e.textContent);
                return {state: t ? t.dataset.state : null, days: t ? t.querySelectorAll('.day').length : 0,
                        overall: document.getElementById('overall').dataset.state, incidents: incidents.join('|')};
                """);
    }

    @Test
    void shouldShowATargetGoingDownAndUpWithItsIncident(KafkaBroker kafka) throws Exception {
        target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "probe-target");
            t.setDaemon(true);
            return t;
        }));
        target.createContext("/health", exchange -> {
            byte[] body = "{\"status\":\"healthy\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        target.start();
        Path rules = dir.resolve("rules.yml");
        Files.writeString(rules, """
                rules:
                  - {alert: ProbeDown, signal: probe_down, threshold: 1, for: 2s, severity: critical, public: true,
                     annotations: {summary: "{{ $labels.probe }} is down"}}
                """);
        processor = new ProcessorApp(ProcessorConfig.defaults(kafka.bootstrapServers()).withHttpPort(0)
                .withStateDir(dir.resolve("processor")).withRules(new ProcessorConfig.Rules(rules, null, Duration.ofMillis(200))),
                Clock.systemUTC());
        processor.start();
        Path probes = dir.resolve("probes.yml");
        Files.writeString(probes, """
                probes:
                  - {name: shop-health, service: shop, url: "http://127.0.0.1:%d/health", interval: 1s, timeout: 800ms}
                """.formatted(target.getAddress().getPort()));
        ProbesPublisher.apply(probes, KafkaSettings.plaintext(kafka.bootstrapServers()), Topics.PROBES);
        agent = new AgentApp(AgentSettings.of("agent", kafka.bootstrapServers(), dir.resolve("agent"), List.of())
                .withHttp(HttpSettings.defaults().at("127.0.0.1", 0))
                .withProbes(new AgentSettings.ProbeSettings(true, Topics.PROBES, "weir-probes")), Clock.systemUTC());
        agent.start();
        URI unused = URI.create("http://127.0.0.1:9");
        console = new ConsoleApp(new ConsoleApp.Settings(URI.create("http://127.0.0.1:" + processor.httpPort()), unused, unused,
                null, null, "127.0.0.1", 0, Duration.ofSeconds(1), Clock.systemUTC())).start();
        browser = new Browser();

        browser.driver.get("http://127.0.0.1:" + console.port() + "/status");
        Poll.until(WAIT, () -> "operational".equals(read().get("state")), () -> "shop-health to show operational (page " + read() + ")");
        assertThat(read().get("days")).isEqualTo(90L);
        assertThat(read().get("incidents")).isEqualTo("");

        status.set(503);
        Poll.until(WAIT, () -> "down".equals(read().get("state")) && String.valueOf(read().get("incidents")).contains("shop-health is down"),
                () -> "shop-health to show down with its incident, without a reload (page " + read() + ")");
        assertThat(read().get("overall")).isEqualTo("down");
        String screenshots = System.getProperty("weir.console.screenshots");
        if (screenshots != null && !screenshots.isBlank()) {
            browser.screenshot(Path.of(screenshots).resolve("status.png"));
        }

        status.set(200);
        Poll.until(WAIT, () -> "operational".equals(read().get("state")) && "".equals(read().get("incidents")),
                () -> "shop-health to show operational again and its incident to end (page " + read() + ")");
        assertThat(browser.driver.getPageSource()).doesNotContain("127.0.0.1").doesNotContain("/health");
    }
}
