package dev.weir.emitter.delivery;

import dev.weir.emitter.notifylog.NotificationLog;
import dev.weir.emitter.template.AlertData;
import dev.weir.emitter.template.NotificationData;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a group's notification to every integration of a receiver: checks the notification log
 * (so nothing is sent twice, across restarts too), drops resolved alerts for integrations
 * without {@code send_resolved}, retries with backoff, and records the successful send.
 * Sends run on the given executor; one group/integration pair is never sent concurrently.
 * Thread-safe.
 */
public final class Notifier {
    private static final Logger log = LoggerFactory.getLogger(Notifier.class);

    private final Map<String, List<Integration>> integrations;
    private final NotificationLog nflog;
    private final Retrier retrier;
    private final Executor executor;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Consumer<String> console;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicInteger queued = new AtomicInteger();

    /**
     * @param integrations receiver name to its integrations
     * @param nflog the notification log
     * @param retrier retry policy
     * @param executor where sends run ({@code Runnable::run} sends on the caller's thread)
     * @param clock for log timestamps
     * @param registry for {@code weir_emitter_notifications_*} meters
     * @param console told one line per notification sent (for {@code weir up}); may be a no-op
     */
    public Notifier(Map<String, List<Integration>> integrations, NotificationLog nflog, Retrier retrier,
                    Executor executor, Clock clock, MeterRegistry registry, Consumer<String> console) {
        this.integrations = Map.copyOf(integrations);
        this.nflog = nflog;
        this.retrier = retrier;
        this.executor = executor;
        this.clock = clock;
        this.registry = registry;
        this.console = console;
        registry.gauge("weir_emitter_notification_queue_depth", queued);
    }

    /**
     * Notifies {@code receiver} about a group, where each integration needs it.
     *
     * @param receiver receiver name
     * @param groupKey the group
     * @param groupLabels the group's labels
     * @param alerts the group's alerts that are not muted, each marked firing or resolved
     * @param repeatInterval the route's repeat_interval
     * @param externalUrl for links in messages
     */
    public void notify(String receiver, String groupKey, Map<String, String> groupLabels, List<AlertData> alerts,
                       Duration repeatInterval, String externalUrl) {
        if (alerts.isEmpty()) {
            // Everything is muted: say nothing and, unlike Alertmanager, leave the log as it is, so
            // the alerts the receiver was told are firing still get their resolve later.
            return;
        }
        Instant now = clock.instant();
        Set<String> firing = new HashSet<>();
        Set<String> resolved = new HashSet<>();
        for (AlertData a : alerts) {
            (a.resolved() ? resolved : firing).add(a.alert().fingerprint());
        }
        for (Integration integration : integrations.getOrDefault(receiver, List.of())) {
            String name = integration.kind() + "[" + integration.index() + "]";
            String key = NotificationLog.key(receiver, name, groupKey);
            if (!NotificationLog.needsUpdate(nflog.get(key), firing, resolved, integration.sendResolved(), now, repeatInterval)) {
                continue;
            }
            List<AlertData> toSend = integration.sendResolved() ? alerts : alerts.stream().filter(a -> !a.resolved()).toList();
            if (toSend.isEmpty()) {
                nflog.record(key, firing, resolved, now);
                continue;
            }
            if (!inFlight.add(key)) {
                log.debug("notification for {} still in flight; the next flush will reconsider it", key);
                continue;
            }
            NotificationData data = new NotificationData(receiver, groupKey, groupLabels, toSend, externalUrl);
            queued.incrementAndGet();
            executor.execute(() -> {
                queued.decrementAndGet();
                try {
                    send(receiver, name, key, integration, data, firing, resolved);
                } finally {
                    inFlight.remove(key);
                }
            });
        }
    }

    private void send(String receiver, String name, String key, Integration integration, NotificationData data,
                      Set<String> firing, Set<String> resolved) {
        String kind = integration.kind();
        try {
            retrier.run(() -> integration.send(data), (cause, delay) -> {
                counter("weir_emitter_notification_retries_total", receiver, kind).increment();
                log.warn("retrying {} notification to receiver {} in {} ms: {}", name, receiver, delay.toMillis(), cause.getMessage());
            });
            nflog.record(key, firing, resolved, clock.instant());
            counter("weir_emitter_notifications_sent_total", receiver, kind).increment();
            log.info("sent {} {} notification to receiver {} for group {} ({} alerts)", data.status(), name, receiver,
                    data.groupKey(), data.alerts().size());
            console.accept("[" + receiver + "/" + name + "] " + data.status().toUpperCase(java.util.Locale.ROOT) + " "
                    + data.groupLabels().map() + " (" + data.alerts().size() + " alerts)");
        } catch (DeliveryException e) {
            counter("weir_emitter_notifications_failed_total", receiver, kind).increment();
            log.error("{} notification to receiver {} for group {} failed ({}): {}", name, receiver, data.groupKey(),
                    e.retryable() ? "gave up retrying" : "permanent", e.getMessage());
        } catch (RuntimeException e) {
            counter("weir_emitter_notifications_failed_total", receiver, kind).increment();
            log.error("{} notification to receiver {} for group {} failed", name, receiver, data.groupKey(), e);
        }
    }

    private Counter counter(String name, String receiver, String integration) {
        return Counter.builder(name).tag("receiver", receiver).tag("integration", integration).register(registry);
    }

    /** @return receivers that have integrations */
    public Set<String> receivers() {
        return integrations.keySet();
    }
}
