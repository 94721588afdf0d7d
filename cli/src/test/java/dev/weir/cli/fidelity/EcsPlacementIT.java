package dev.weir.cli.fidelity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.agent.parse.Enrichment;
import dev.weir.agent.parse.EventKind;
import dev.weir.agent.parse.LineOrigin;
import dev.weir.agent.parse.ParserType;
import dev.weir.common.ecs.EcsFields;
import dev.weir.common.kafka.KafkaClients;
import dev.weir.common.kafka.Topics;
import dev.weir.processor.ProcessorApp;
import dev.weir.processor.config.ProcessorConfig;
import dev.weir.sink.SinkApp;
import dev.weir.sink.SinkConfig;
import dev.weir.stack.ElasticsearchNode;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.junit.LocalStackExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One event of every input shape the input contract names, produced as its shipper writes it (the agent's own
 * parsers for the text lines), through the real processor and sink into the real Elasticsearch: every field ECS
 * defines is in its ECS place in the document, mapped with its ECS type, and nothing ECS defines is among the labels.
 */
@ExtendWith(LocalStackExtension.class)
@Timeout(600)
class EcsPlacementIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(180);
    private static final String SERVICE = "ecs-shapes";
    /** Fields every document has that Weir sets itself. */
    private static final Set<String> WEIRS = Set.of("@timestamp", "message", "tags", "labels", "ecs.version", "data_stream.type",
            "data_stream.dataset", "data_stream.namespace", "event.ingested", "event.id", "service.name");

    /** A shape: its raw event (what its shipper writes), its topic, and the ECS fields it must have in its document. */
    private record Shape(String name, String topic, String json, Map<String, Object> expected) {
    }

    private static Map<String, Object> fields(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static String agent(ParserType parser, String line, String id, Instant now) {
        Enrichment enrichment = new Enrichment(SERVICE, null, "edge-1");
        return new String(parser.create(EventKind.LOG, enrichment, Clock.fixed(now, ZoneOffset.UTC), ZoneOffset.UTC)
                .parse(line, new LineOrigin(id, "/var/log/" + parser.name().toLowerCase(Locale.ROOT) + ".log", 40960)).json(),
                StandardCharsets.UTF_8);
    }

    private static List<Shape> shapes(Instant t) {
        String ts = t.toString();
        String bsd = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH).withZone(ZoneOffset.UTC).format(t);
        String clf = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC).format(t);
        String gunicornTime = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC).format(t);
        String asctime = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS", Locale.ENGLISH).withZone(ZoneOffset.UTC).format(t);
        long epochMs = t.toEpochMilli();
        String epochS = t.getEpochSecond() + "." + String.format("%03d", t.getNano() / 1_000_000);
        List<Shape> s = new ArrayList<>();
        s.add(new Shape("logstash", Topics.RAW_LOGS, """
                {"@timestamp":"%s","@version":"1","message":"Payment failed","logger_name":"dev.shop.PaymentClient","thread_name":"exec-3",\
                "level":"ERROR","level_value":40000,"stack_trace":"java.net.SocketTimeoutException: Read timed out\\n\\tat dev.shop.PaymentClient.pay(PaymentClient.java:42)",\
                "orderId":"1042","service":"%s","event.id":"shape-logstash"}""".formatted(ts, SERVICE),
                fields("log.level", "error", "log.logger", "dev.shop.PaymentClient", "process.thread.name", "exec-3",
                        "error.type", "java.net.SocketTimeoutException", "error.message", "Read timed out")));
        s.add(new Shape("ecs dotted", Topics.RAW_LOGS, """
                {"@timestamp":"%s","log.level":"warn","message":"m","ecs.version":"1.2.0","service.name":"%s","host.name":"web-1",\
                "host.hostname":"web-1.internal","host.ip":["10.0.0.5","fe80::1"],"host.os.name":"Debian GNU/Linux","user_agent.name":"Chrome",\
                "user_agent.original":"Mozilla/5.0","url.domain":"shop.example","url.full":"https://shop.example/a?b=1","observer.name":"edge-fw",\
                "observer.hostname":"fw-1","observer.ip":"192.0.2.1","cloud.provider":"aws","cloud.region":"eu-west-1","container.id":"3f2a1b",\
                "event.type":["info","start"],"event.risk_score":21.5,"tls.established":true,"http.request.id":"req-7","process.pid":"77",\
                "event.created":"2025-03-14T09:26:53Z","client.ip":"198.51.100.23","related.user":["bob","alice"],"labels.region":"eu",\
                "event.id":"shape-ecs-dotted"}""".formatted(ts, SERVICE),
                fields("log.level", "warn", "host.name", "web-1", "host.hostname", "web-1.internal", "host.ip", List.of("10.0.0.5", "fe80::1"),
                        "host.os.name", "Debian GNU/Linux", "user_agent.name", "Chrome", "user_agent.original", "Mozilla/5.0",
                        "url.domain", "shop.example", "url.full", "https://shop.example/a?b=1", "observer.name", "edge-fw",
                        "observer.hostname", "fw-1", "observer.ip", "192.0.2.1", "cloud.provider", "aws", "container.id", "3f2a1b",
                        "event.type", List.of("info", "start"), "event.risk_score", 21.5, "tls.established", true,
                        "http.request.id", "req-7", "process.pid", 77, "event.created", "2025-03-14T09:26:53Z",
                        "source.ip", "198.51.100.23", "related.user", List.of("bob", "alice"))));
        s.add(new Shape("ecs nested", Topics.RAW_LOGS, """
                {"@timestamp":"%s","log":{"level":"info","logger":"dev.shop.Auth","origin":{"function":"login","file":{"name":"Auth.java","line":88}}},\
                "message":"Login failed for bob","service":{"name":"%s","version":"2.4.1"},"event":{"id":"shape-ecs-nested","category":["authentication"],\
                "action":"user-login","outcome":"failure","dataset":"shop.auth","module":"shop"},"user":{"name":"bob","id":"u-17","email":"b@example.com"},\
                "source":{"ip":"198.51.100.23","port":51234,"geo":{"country_iso_code":"DE"}}}""".formatted(ts, SERVICE),
                fields("log.logger", "dev.shop.Auth", "log.origin.function", "login", "log.origin.file.name", "Auth.java",
                        "log.origin.file.line", 88, "service.version", "2.4.1", "event.category", "authentication",
                        "event.action", "user-login", "event.outcome", "failure", "event.dataset", "shop.auth", "event.module", "shop",
                        "user.name", "bob", "user.id", "u-17", "source.ip", "198.51.100.23", "source.port", 51234,
                        "source.geo.country_iso_code", "DE")));
        s.add(new Shape("request, plain names", Topics.RAW_REQUESTS, """
                {"@timestamp":"%s","service":"%s","method":"GET","path":"/orders/1042","status":200,"duration_ms":12.7,"bytes":5120,\
                "client_ip":"203.0.113.7","user_agent":"Mozilla/5.0","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","event.id":"shape-request"}"""
                .formatted(ts, SERVICE),
                fields("http.request.method", "GET", "url.path", "/orders/1042", "http.response.status_code", 200,
                        "event.duration", 12_700_000, "http.response.body.bytes", 5120, "client.ip", "203.0.113.7",
                        "user_agent.original", "Mozilla/5.0", "trace.id", "4bf92f3577b34da6a3ce929d0e0e4736")));
        s.add(new Shape("request, ECS names", Topics.RAW_REQUESTS, """
                {"@timestamp":"%s","service.name":"%s","http.request.method":"POST","url.path":"/login","url.original":"/login?next=%%2F",\
                "http.response.status_code":401,"event.duration":35200000,"client.ip":"198.51.100.23","source.port":40022,\
                "user_agent.original":"curl/8.5.0","http.version":"2","http.request.referrer":"https://shop.example/","event.id":"shape-request-ecs"}"""
                .formatted(ts, SERVICE),
                fields("http.request.method", "POST", "url.original", "/login?next=%2F", "http.response.status_code", 401,
                        "source.port", 40022, "http.version", "2", "http.request.referrer", "https://shop.example/")));
        s.add(new Shape("nginx (agent)", Topics.RAW_REQUESTS, agent(ParserType.NGINX, "203.0.113.7 - alice [" + clf
                + "] \"GET /orders/1042?page=2 HTTP/1.1\" 200 5120 \"https://shop.example/\" \"Mozilla/5.0 (X11)\" 0.013", "shape-nginx", t),
                fields("http.request.method", "GET", "url.original", "/orders/1042?page=2", "url.path", "/orders/1042",
                        "url.query", "page=2", "http.version", "1.1", "http.response.status_code", 200, "http.response.body.bytes", 5120,
                        "http.request.referrer", "https://shop.example/", "user_agent.original", "Mozilla/5.0 (X11)",
                        "event.duration", 13_000_000, "user.name", "alice", "event.dataset", "nginx.access")));
        s.add(new Shape("apache (agent)", Topics.RAW_REQUESTS, agent(ParserType.APACHE, "203.0.113.8 - - [" + clf
                + "] \"POST /cart HTTP/1.1\" 302 0 \"-\" \"Mozilla/5.0\" 1500", "shape-apache", t),
                fields("http.request.method", "POST", "event.duration", 1_500_000, "event.dataset", "apache.access")));
        s.add(new Shape("gunicorn (agent)", Topics.RAW_REQUESTS, agent(ParserType.GUNICORN, "198.51.100.7 - - [" + clf
                + "] \"POST /api/v1/orders HTTP/1.1\" 201 87 \"-\" \"python-requests/2.32.3\" 15230", "shape-gunicorn", t),
                fields("http.response.status_code", 201, "event.duration", 15_230_000, "event.dataset", "gunicorn.access",
                        "user_agent.original", "python-requests/2.32.3")));
        s.add(new Shape("uvicorn (agent)", Topics.RAW_REQUESTS, agent(ParserType.UVICORN, "[" + gunicornTime + "] [4242] [INFO] 198.51.100.23:40022 - "
                + "\"GET /items/5?q=x HTTP/1.1\" 404", "shape-uvicorn", t),
                fields("http.response.status_code", 404, "source.ip", "198.51.100.23", "source.port", 40022, "url.query", "q=x",
                        "process.pid", 4242, "log.level", "info", "event.dataset", "uvicorn.access")));
        s.add(new Shape("sshd (agent)", Topics.RAW_LOGS, agent(ParserType.SSHD, bsd + " bastion-1 sshd[2412]: message repeated 5 times: "
                + "[ Failed password for invalid user admin from 203.0.113.9 port 51234 ssh2]", "shape-sshd", t),
                fields("process.name", "sshd", "process.pid", 2412, "log.syslog.hostname", "bastion-1", "log.syslog.appname", "sshd",
                        "log.syslog.procid", "2412", "event.dataset", "system.auth", "event.module", "system", "event.kind", "event",
                        "event.category", "authentication", "event.action", "ssh_login", "event.outcome", "failure",
                        "user.name", "admin", "source.ip", "203.0.113.9", "source.port", 51234, "log.level", "info",
                        "host.name", "bastion-1", "weir.count", 5)));
        s.add(new Shape("python-json-logger", Topics.RAW_LOGS, """
                {"asctime": "%s", "levelname": "ERROR", "name": "orders.api", "message": "Order failed", "process": 4242, \
                "threadName": "MainThread", "funcName": "create_order", "lineno": 91, "exc_info": "Traceback (most recent call last):\\n  \
                File \\"/app/orders/api.py\\", line 91, in create_order\\n    raise ValueError(\\"bad\\")\\nValueError: bad", \
                "service": "%s", "event.id": "shape-python"}""".formatted(asctime, SERVICE),
                fields("log.level", "error", "log.logger", "orders.api", "process.pid", 4242, "process.thread.name", "MainThread",
                        "log.origin.function", "create_order", "log.origin.file.line", 91, "error.type", "ValueError",
                        "error.message", "bad")));
        s.add(new Shape("structlog", Topics.RAW_LOGS, """
                {"event": "payment declined", "level": "warning", "timestamp": "%s", "logger": "payments.worker", \
                "service": "%s", "event.id": "shape-structlog"}""".formatted(ts, SERVICE),
                fields("log.level", "warn", "log.logger", "payments.worker", "message", "payment declined")));
        s.add(new Shape("pino", Topics.RAW_LOGS, """
                {"level":50,"time":%d,"pid":1234,"hostname":"api-7f9c","name":"checkout","req":{"id":7,"method":"POST","url":"/orders/1042"},\
                "res":{"statusCode":500},"responseTime":12,"err":{"type":"TypeError","message":"boom","stack":"TypeError: boom\\n    at \
                OrderService.total (/app/src/services/order.js:42:17)"},"msg":"request errored","service":"%s","event.id":"shape-pino"}"""
                .formatted(epochMs, SERVICE),
                fields("log.level", "error", "process.pid", 1234, "host.name", "api-7f9c", "log.logger", "checkout",
                        "http.request.id", "7", "http.request.method", "POST", "url.original", "/orders/1042",
                        "http.response.status_code", 500, "error.type", "TypeError", "error.message", "boom")));
        s.add(new Shape("winston", Topics.RAW_LOGS, """
                {"level":"error","message":"connect ECONNREFUSED","service":"%s","stack":"Error: connect ECONNREFUSED\\n    at \
                PaymentRepo.save (/srv/app/dist/repo.js:31:11)","timestamp":"%s","event.id":"shape-winston"}""".formatted(SERVICE, ts),
                fields("log.level", "error", "error.type", "Error", "error.message", "connect ECONNREFUSED")));
        s.add(new Shape("zap", Topics.RAW_LOGS, """
                {"level":"error","ts":%s,"caller":"orders/handler.go:42","msg":"request failed","logger":"orders","error":"sql: no rows",\
                "stacktrace":"main.handler\\n\\t/app/orders/handler.go:42","service":"%s","event.id":"shape-zap"}""".formatted(epochS, SERVICE),
                fields("log.level", "error", "log.logger", "orders", "log.origin.file.name", "orders/handler.go", "log.origin.file.line", 42,
                        "error.message", "sql: no rows")));
        s.add(new Shape("logrus", Topics.RAW_LOGS, """
                {"level":"warning","msg":"retrying","time":"%s","error":"context deadline exceeded","func":"main.retry",\
                "file":"/app/retry.go:57","service":"%s","event.id":"shape-logrus"}""".formatted(ts, SERVICE),
                fields("log.level", "warn", "log.origin.function", "main.retry", "log.origin.file.line", 57,
                        "error.message", "context deadline exceeded")));
        s.add(new Shape("serilog", Topics.RAW_LOGS, """
                {"@t":"%s","@mt":"Order {OrderId} failed","@l":"Error","@x":"System.InvalidOperationException: Nope\\r\\n   at \
                Shop.Orders.OrderService.Get(Int32 id) in /src/Shop/Orders/OrderService.cs:line 57","@i":"a1b2c3d4",\
                "@tr":"4bf92f3577b34da6a3ce929d0e0e4736","@sp":"00f067aa0ba902b7","OrderId":1042,"SourceContext":"Shop.Orders.OrderService",\
                "MachineName":"pay-1","ThreadId":17,"ProcessId":812,"Application":"%s","service":"%s","event.id":"shape-serilog"}"""
                .formatted(ts, SERVICE, SERVICE),
                fields("log.level", "error", "message", "Order 1042 failed", "log.logger", "Shop.Orders.OrderService", "host.name", "pay-1",
                        "process.thread.id", 17, "process.pid", 812, "event.code", "a1b2c3d4", "trace.id", "4bf92f3577b34da6a3ce929d0e0e4736",
                        "span.id", "00f067aa0ba902b7", "error.type", "System.InvalidOperationException", "error.message", "Nope")));
        s.add(new Shape("raw line (agent)", Topics.RAW_LOGS, agent(ParserType.JSON, "just a line of text", "shape-raw", t),
                fields("message", "just a line of text", "tags", List.of("parse_error"))));
        return s;
    }

    @Test
    void shouldIndexEveryFieldEcsDefinesInItsEcsPlaceForEveryInputShape(KafkaBroker kafka, ElasticsearchNode es, @TempDir Path dir)
            throws Exception {
        Instant t = Instant.now().minus(5, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);
        List<Shape> shapes = shapes(t);
        ProcessorApp processor = new ProcessorApp(ProcessorConfig.defaults(kafka.bootstrapServers()).withHttpPort(0)
                .withStateDir(dir.resolve("processor")).withApplicationId("weir-ecs-placement-it"), Clock.systemUTC());
        SinkApp sink = new SinkApp(SinkConfig.defaults(kafka.bootstrapServers(), es.httpUrl()).withHttpPort(0), Clock.systemUTC());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.producer(kafka.bootstrapServers(), "ecs-shapes"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            processor.start();
            sink.start();
            for (Shape shape : shapes) {
                producer.send(new ProducerRecord<>(shape.topic(), SERVICE.getBytes(StandardCharsets.UTF_8),
                        shape.json().getBytes(StandardCharsets.UTF_8))).get();
            }

            HttpClient http = HttpClient.newHttpClient();
            Map<String, JsonNode> docs = new TreeMap<>();
            Poll.until(DEADLINE, Duration.ofSeconds(1), () -> {
                http.send(HttpRequest.newBuilder(URI.create(es.httpUrl() + "/logs-ecs_shapes*/_refresh"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                JsonNode hits = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(es.httpUrl()
                        + "/logs-ecs_shapes*/_search?size=100")).build(), HttpResponse.BodyHandlers.ofString()).body()).path("hits").path("hits");
                docs.clear();
                hits.forEach(h -> docs.put(h.path("_id").asText(), h.path("_source")));
                return docs.size() >= shapes.size();
            }, () -> docs.size() + " of " + shapes.size() + " documents indexed: " + docs.keySet());
            assertThat(docs).hasSize(shapes.size());

            List<String> problems = new ArrayList<>();
            Map<String, String> ecsTypes = new TreeMap<>();
            for (Shape shape : shapes) {
                JsonNode doc = docs.values().stream().filter(d -> d.path("event.id").asText().equals(idOf(shape))).findFirst().orElse(null);
                if (doc == null) {
                    problems.add(shape.name() + ": no document with event.id " + idOf(shape));
                    continue;
                }
                for (Map.Entry<String, Object> f : shape.expected().entrySet()) {
                    JsonNode v = doc.get(f.getKey());
                    JsonNode want = JSON.valueToTree(f.getValue());
                    if (v == null || !v.equals(want) && !(v.isNumber() && want.isNumber() && v.asDouble() == want.asDouble())) {
                        problems.add(shape.name() + ": " + f.getKey() + " is " + v + ", expected " + want);
                    }
                }
                for (Iterator<String> names = doc.fieldNames(); names.hasNext(); ) {
                    String name = names.next();
                    EcsFields.Field field = EcsFields.get(name);
                    if (field != null) {
                        ecsTypes.put(name, field.type());
                    } else if (!WEIRS.contains(name) && !name.startsWith("weir.") && !name.startsWith("log.file.")
                            && !name.equals("log.offset")) {
                        problems.add(shape.name() + ": " + name + " is neither an ECS field nor one of Weir's");
                    }
                }
                for (Iterator<String> labels = doc.path("labels").fieldNames(); labels.hasNext(); ) {
                    String label = labels.next();
                    if (EcsFields.get(label) != null) {
                        problems.add(shape.name() + ": the ECS field " + label + " is a label");
                    }
                }
            }
            assertThat(problems).isEmpty();

            // Elasticsearch maps each of those fields with the type ECS gives it
            JsonNode caps = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(es.httpUrl() + "/logs-ecs_shapes*/_field_caps?fields="
                    + String.join(",", ecsTypes.keySet()))).build(), HttpResponse.BodyHandlers.ofString()).body()).path("fields");
            for (Map.Entry<String, String> f : ecsTypes.entrySet()) {
                JsonNode byType = caps.path(f.getKey());
                String wanted = switch (f.getValue()) {
                    // where the distribution lacks wildcard: keyword, and text for stack traces (sink README, Templates)
                    case "wildcard" -> byType.has("wildcard") ? "wildcard" : f.getKey().equals("error.stack_trace") ? "text" : "keyword";
                    case "text" -> byType.has("match_only_text") ? "match_only_text" : "text";
                    default -> f.getValue();
                };
                if (byType.size() != 1 || !byType.has(wanted)) {
                    problems.add(f.getKey() + " is mapped " + byType.fieldNames().next() + ", ECS types it " + f.getValue());
                }
            }
            assertThat(problems).as("mapping").isEmpty();
            assertThat(ecsTypes).as("ECS fields seen across the shapes").hasSizeGreaterThanOrEqualTo(60);
        } finally {
            sink.close();
            processor.close();
        }
    }

    private static String idOf(Shape shape) {
        return switch (shape.name()) {
            case "ecs dotted" -> "shape-ecs-dotted";
            case "ecs nested" -> "shape-ecs-nested";
            case "request, plain names" -> "shape-request";
            case "request, ECS names" -> "shape-request-ecs";
            case "python-json-logger" -> "shape-python";
            case "raw line (agent)" -> "shape-raw";
            default -> "shape-" + shape.name().replace(" (agent)", "");
        };
    }
}
