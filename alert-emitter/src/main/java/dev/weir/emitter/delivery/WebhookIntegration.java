package dev.weir.emitter.delivery;

import dev.weir.emitter.config.AlertmanagerConfig;
import dev.weir.emitter.template.AlertData;
import dev.weir.emitter.template.NotificationData;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Alertmanager's webhook payload, version 4: {@code receiver}, {@code status}, {@code alerts}
 * (each with status, labels, annotations, startsAt, endsAt, generatorURL, fingerprint),
 * {@code groupLabels}, {@code commonLabels}, {@code commonAnnotations}, {@code externalURL},
 * {@code version}, {@code groupKey}, {@code truncatedAlerts}.
 */
public final class WebhookIntegration implements Integration {
    private final AlertmanagerConfig.Webhook config;
    private final int index;
    private final HttpPoster http;

    public WebhookIntegration(AlertmanagerConfig.Webhook config, int index, HttpPoster http) {
        this.config = config;
        this.index = index;
        this.http = http;
    }

    @Override
    public String kind() {
        return "webhook";
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public boolean sendResolved() {
        return config.sendResolved();
    }

    @Override
    public void send(NotificationData data, String id) throws DeliveryException {
        http.postJson("webhook url", config.url(), id, () -> payload(data, config.maxAlerts()));
    }

    /** The version 4 payload as ordered maps, for this integration and for tests. */
    public static Map<String, Object> payload(NotificationData data, int maxAlerts) {
        List<AlertData> alerts = data.alertData();
        int truncated = 0;
        if (maxAlerts > 0 && alerts.size() > maxAlerts) {
            truncated = alerts.size() - maxAlerts;
            alerts = alerts.subList(0, maxAlerts);
        }
        List<Map<String, Object>> items = new ArrayList<>();
        for (AlertData a : alerts) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("status", a.status());
            m.put("labels", a.alert().labels());
            m.put("annotations", a.alert().annotations());
            m.put("startsAt", DateTimeFormatter.ISO_INSTANT.format(a.alert().startsAt()));
            m.put("endsAt", DateTimeFormatter.ISO_INSTANT.format((java.time.Instant) a.field("EndsAt")));
            m.put("generatorURL", a.alert().generatorURL());
            m.put("fingerprint", a.alert().fingerprint());
            items.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("receiver", data.receiver());
        body.put("status", data.status());
        body.put("alerts", items);
        body.put("groupLabels", data.groupLabels().map());
        body.put("commonLabels", data.commonLabels().map());
        body.put("commonAnnotations", data.commonAnnotations().map());
        body.put("externalURL", data.externalURL());
        body.put("version", "4");
        body.put("groupKey", data.groupKey());
        body.put("truncatedAlerts", truncated);
        return body;
    }
}
