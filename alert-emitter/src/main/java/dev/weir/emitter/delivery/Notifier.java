package dev.weir.emitter.delivery;

import dev.weir.emitter.cluster.Ownership;
import dev.weir.emitter.notifylog.LogWriter;
import dev.weir.emitter.notifylog.NotificationLog;
import dev.weir.emitter.notifylog.NotificationLog.Entry;
import dev.weir.emitter.notifylog.NotificationLog.State;
import dev.weir.emitter.template.AlertData;
import dev.weir.emitter.template.NotificationData;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a group's notification to every integration of a receiver, exactly when the notification
 * log says the receiver needs it, and records what it sent.
 *
 * <p>Each send is announced before it happens: the pending notification, with a fresh id, is
 * written to the log through the partition's {@link LogWriter} (in a cluster a fenced,
 * transactional write, so an instance that lost the group cannot announce, and so cannot send);
 * then the receiver is called (with the id as {@code Idempotency-Key} where the protocol has a
 * place for it) and retried with backoff, checking before each attempt that this instance still
 * owns the group; then the delivered notification is written. A pending notification this
 * instance is not sending (left by an instance that died, or by a send that gave up) is in doubt:
 * it is sent again with the same id while the group is unchanged, else the group's current
 * state is sent.
 *
 * <p>Sends run on the given executor; one log entry is never sent for concurrently. Thread-safe.
 */
public final class Notifier {
    private static final Logger log = LoggerFactory.getLogger(Notifier.class);
    private static final Duration NEVER = Duration.ofDays(365_000);

    private final Map<String, List<Integration>> integrations;
    private final NotificationLog nflog;
    private final Ownership ownership;
    private final Retrier retrier;
    private final Executor executor;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Consumer<String> console;
    /** Log keys being worked on, with their partition. */
    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger queued = new AtomicInteger();

    /**
     * What to notify: a group's unmuted alerts, for a receiver or one step of an escalation.
     *
     * @param receiver receiver name
     * @param groupKey the group
     * @param groupLabels the group's labels
     * @param alerts the group's alerts that are not muted, each marked firing or resolved
     * @param repeatInterval the route's repeat_interval
     * @param externalUrl for links in messages
     * @param step null for a route's receiver; for an escalation step, its state
     */
    public record Request(String receiver, String groupKey, Map<String, String> groupLabels, List<AlertData> alerts,
                          Duration repeatInterval, String externalUrl, Step step) {}

    /**
     * An escalation step of a group.
     *
     * @param index the step's position in the policy
     * @param due whether a round of this step is due now (an unacknowledged alert fires long enough)
     * @param since when the unacknowledged firing that drives the escalation started (epoch ms), 0 when none
     * @param round the round that is due (0 for the first pass through the policy), -1 when none
     */
    public record Step(int index, boolean due, long since, int round) {}

    /**
     * @param integrations receiver name to its integrations
     * @param nflog the notification log
     * @param ownership which groups this instance notifies, and their log writers
     * @param retrier retry policy
     * @param executor where sends run ({@code Runnable::run} sends on the caller's thread)
     * @param clock for log timestamps
     * @param registry for {@code weir_emitter_notifications_*} meters
     * @param console told one line per notification sent (for {@code weir up}); may be a no-op
     */
    public Notifier(Map<String, List<Integration>> integrations, NotificationLog nflog, Ownership ownership, Retrier retrier,
                    Executor executor, Clock clock, MeterRegistry registry, Consumer<String> console) {
        this.integrations = Map.copyOf(integrations);
        this.nflog = nflog;
        this.ownership = ownership;
        this.retrier = retrier;
        this.executor = executor;
        this.clock = clock;
        this.registry = registry;
        this.console = console;
        registry.gauge("weir_emitter_notification_queue_depth", queued);
    }

    /** What a log entry needs now. */
    private enum Action { NOTHING, RECORD, RESEND, SEND, CLEAR }

    /**
     * Notifies {@code request.receiver()} about a group, where each integration needs it.
     *
     * @param request the group and receiver
     * @return true when the log holds, for every integration, what the receiver knows of the
     *     group's current state (nothing left to do); false while a send is under way or pending,
     *     or when this instance does not own the group now
     */
    public boolean notify(Request request) {
        LogWriter writer = ownership.writer(request.groupKey());
        if (writer == null) {
            return false;
        }
        if (request.alerts().isEmpty()) {
            // Everything is muted: say nothing and, unlike Alertmanager, leave the log as it is, so
            // the alerts the receiver was told are firing still get their resolve later.
            return true;
        }
        Instant now = clock.instant();
        Set<String> firing = new HashSet<>();
        Set<String> resolved = new HashSet<>();
        for (AlertData a : request.alerts()) {
            (a.resolved() ? resolved : firing).add(a.alert().fingerprint());
        }
        boolean settled = true;
        String logGroup = request.step() == null ? request.groupKey() : request.groupKey() + "/escalation[" + request.step().index() + "]";
        for (Integration integration : integrations.getOrDefault(request.receiver(), List.of())) {
            String name = integration.kind() + "[" + integration.index() + "]";
            String key = NotificationLog.key(request.receiver(), name, logGroup);
            if (inFlight.containsKey(key)) {
                settled = false;
                continue;
            }
            Entry entry = nflog.get(key);
            Action action = decide(entry, firing, resolved, integration.sendResolved(), now,
                    request.step() == null ? request.repeatInterval() : NEVER, request.step());
            List<AlertData> toSend = integration.sendResolved() ? request.alerts()
                    : request.alerts().stream().filter(a -> !a.resolved()).toList();
            if (action == Action.SEND && toSend.isEmpty()) {
                action = Action.RECORD;
            }
            if (action == Action.NOTHING) {
                continue;
            }
            settled = false;
            State delivered = entry == null ? null : entry.delivered();
            State state = switch (action) {
                case RESEND -> entry.pending();
                case CLEAR -> null;
                default -> newState(entry, firing, resolved, now, request.step());
            };
            inFlight.put(key, ownership.partitionOf(request.groupKey()));
            queued.incrementAndGet();
            Action a = action;
            NotificationData data = new NotificationData(request.receiver(), request.groupKey(), request.groupLabels(), toSend,
                    request.externalUrl());
            executor.execute(() -> {
                queued.decrementAndGet();
                try {
                    switch (a) {
                        case RECORD -> nflog.write(writer, key, new Entry(state, null));
                        case CLEAR -> nflog.write(writer, key, new Entry(delivered, null));
                        default -> send(writer, key, name, integration, data, delivered, state, a == Action.SEND);
                    }
                } catch (RuntimeException e) {
                    log.warn("notification log entry {} could not be written ({}); the next flush tries again", key, e.getMessage());
                } finally {
                    inFlight.remove(key);
                    synchronized (inFlight) {
                        inFlight.notifyAll();
                    }
                }
            });
        }
        return settled;
    }

    /**
     * The notification-log decision for one integration and group (pure, for tests).
     *
     * @param entry the log entry, or null
     * @param firing fingerprints firing now (unmuted)
     * @param resolved fingerprints resolved now
     * @param sendResolved the integration's send_resolved
     * @param now the time
     * @param repeatInterval the route's repeat_interval (for an escalation step: never)
     * @param step the escalation step, or null
     */
    private static Action decide(Entry entry, Set<String> firing, Set<String> resolved, boolean sendResolved, Instant now,
                                 Duration repeatInterval, Step step) {
        State delivered = entry == null ? null : entry.delivered();
        State pending = entry == null ? null : entry.pending();
        State last = pending != null ? pending : delivered;
        boolean newRound = step != null && step.due() && !(last != null && last.escalationSince() == step.since()
                && last.round() >= step.round());
        if (step != null && !newRound && last == null) {
            return Action.NOTHING; // a step that never escalated this group hears nothing of it
        }
        if (pending != null) {
            if (!newRound && pending.sameAlerts(firing, resolved)) {
                return Action.RESEND;
            }
            if (newRound || NotificationLog.needsUpdate(delivered, firing, resolved, sendResolved, now, repeatInterval)
                    || NotificationLog.needsUpdate(pending, firing, resolved, sendResolved, now, repeatInterval)) {
                return Action.SEND;
            }
            return Action.CLEAR;
        }
        return newRound || NotificationLog.needsUpdate(delivered, firing, resolved, sendResolved, now, repeatInterval)
                ? Action.SEND : Action.NOTHING;
    }

    private static State newState(Entry entry, Set<String> firing, Set<String> resolved, Instant now, Step step) {
        long since = 0;
        int round = -1;
        if (step != null) {
            State last = entry == null ? null : entry.pending() != null ? entry.pending() : entry.delivered();
            if (step.due()) {
                since = step.since();
                round = step.round();
            } else if (last != null) {
                since = last.escalationSince();
                round = last.round();
            }
        }
        return new State(firing, resolved, now.toEpochMilli(), UUID.randomUUID().toString(), since, round);
    }

    private void send(LogWriter writer, String key, String name, Integration integration, NotificationData data,
                      State delivered, State state, boolean announce) {
        String receiver = data.receiver();
        String kind = integration.kind();
        if (announce) {
            nflog.write(writer, key, new Entry(delivered, state));
        }
        try {
            retrier.run(() -> {
                if (ownership.writer(data.groupKey()) != writer) {
                    throw new DeliveryException("this instance no longer owns group " + data.groupKey()
                            + "; its new owner sends the notification", false, null);
                }
                integration.send(data, state.id());
            }, (cause, delay) -> {
                counter("weir_emitter_notification_retries_total", receiver, kind).increment();
                log.warn("retrying {} notification to receiver {} in {} ms: {}", name, receiver, delay.toMillis(), cause.getMessage());
            });
        } catch (DeliveryException e) {
            counter("weir_emitter_notifications_failed_total", receiver, kind).increment();
            log.error("{} notification to receiver {} for group {} failed ({}): {}", name, receiver, data.groupKey(),
                    e.retryable() ? "gave up retrying" : "permanent", e.getMessage());
            return;
        }
        counter("weir_emitter_notifications_sent_total", receiver, kind).increment();
        log.info("sent {} {} notification {} to receiver {} for group {} ({} alerts)", data.status(), name, state.id(), receiver,
                data.groupKey(), data.alerts().size());
        console.accept("[" + receiver + "/" + name + "] " + data.status().toUpperCase(Locale.ROOT) + " "
                + data.groupLabels().map() + " (" + data.alerts().size() + " alerts)");
        nflog.write(writer, key, new Entry(state, null));
    }

    private Counter counter(String name, String receiver, String integration) {
        return Counter.builder(name).tag("receiver", receiver).tag("integration", integration).register(registry);
    }

    /**
     * Waits until no send is under way for the given partitions (a partition is being handed to
     * another instance, which must see every delivered notification).
     *
     * @param partitions which partitions
     * @param timeout how long at most
     * @return true when none is under way any more
     */
    public boolean awaitIdle(IntPredicate partitions, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (inFlight) {
            while (inFlight.values().stream().anyMatch(partitions::test)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    inFlight.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    /** @return receivers that have integrations */
    public Set<String> receivers() {
        return integrations.keySet();
    }

    /** @return the integrations of a receiver (for {@code weir emitter test-receiver}) */
    public List<Integration> integrations(String receiver) {
        return integrations.getOrDefault(receiver, List.of());
    }
}
