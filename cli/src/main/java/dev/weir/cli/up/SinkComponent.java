package dev.weir.cli.up;

import dev.weir.common.ops.HttpServerSettings;
import dev.weir.sink.SinkApp;
import dev.weir.sink.SinkConfig;
import java.time.Clock;
import java.util.List;

/** sink-elastic in {@code weir up}: every log, request, alert and dead letter into Elasticsearch. */
final class SinkComponent implements UpComponent {
    private SinkApp app;
    private UpEnvironment env;
    private String elasticsearchUrl;

    @Override
    public String name() {
        return "sink-elastic";
    }

    @Override
    public void start(UpEnvironment env) {
        this.env = env;
        if (env.elasticsearchUrl() == null) {
            return;
        }
        elasticsearchUrl = env.elasticsearchUrl();
        SinkConfig defaults = SinkConfig.defaults(env.bootstrapServers(), elasticsearchUrl);
        SinkConfig.Kafka kafka = defaults.kafka();
        SinkConfig config = defaults.withKafka(new SinkConfig.Kafka(env.kafka(), kafka.groupId(), kafka.topics(), kafka.deadLetterTopic(),
                kafka.maxPollRecords())).withElasticsearch(env.elasticsearch()).withHttp(HttpServerSettings.of(env.httpHost(), 8081));
        app = new SinkApp(config, Clock.systemUTC());
        app.start();
    }

    @Override
    public List<String> whereToLook() {
        if (app == null) {
            return List.of("sink           not started (--no-elasticsearch)");
        }
        return List.of(
                "sink           " + env.httpUrl(app.httpPort()) + "/metrics   (/health/ready)",
                "search         " + elasticsearchUrl + "/logs-*/_search?q=log.level:error   (data streams: logs-<service>-demo, logs-<service>.access-demo, weir-alerts, weir-deadletter)");
    }

    @Override
    public void close() {
        if (app != null) {
            app.close();
        }
    }
}
