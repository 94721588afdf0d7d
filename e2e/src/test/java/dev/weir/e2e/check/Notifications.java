package dev.weir.e2e.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import dev.weir.e2e.chain.RecordingReceiver;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one receiver got, per alert group (service) and state: the distinct notification ids (the emitter's
 * {@code Idempotency-Key}, or the e-mail's {@code Message-ID}) it accepted, how many requests it accepted (an id sent
 * again counts twice), and how many it refused.
 *
 * @param receiver  {@code slack}, {@code webhook} or {@code email}
 * @param ids       service → {@code firing}/{@code resolved} → notification ids accepted
 * @param accepted  requests (e-mails) accepted
 * @param refused   requests answered with an error (the stub's outage)
 * @param foreign   accepted notifications of no known service or state
 */
public record Notifications(String receiver, Map<String, Map<String, Set<String>>> ids, int accepted, int refused, int foreign) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** @return the ids a service's group got for a state ({@code firing}, {@code resolved}) */
    public Set<String> ids(String service, String state) {
        return ids.getOrDefault(service, Map.of()).getOrDefault(state, Set.of());
    }

    /** @return requests accepted minus distinct ids: notifications received again with the same id */
    public int repeats() {
        return accepted - foreign - ids.values().stream().mapToInt(m -> m.values().stream().mapToInt(Set::size).sum()).sum();
    }

    /** Slack: the state and the group's labels are in the attachment's title, Alertmanager's default ({@code [FIRING:1] …}). */
    public static Notifications slack(RecordingReceiver slack, Collection<String> services) throws IOException {
        Builder b = new Builder("slack", services);
        for (RecordingReceiver.Request r : slack.requests()) {
            if (r.answered() != 200) {
                b.refused++;
                continue;
            }
            b.add(JSON.readTree(r.body()).path("attachments").path(0).path("title").asText(), r.idempotencyKey());
        }
        return b.build();
    }

    /** Webhook: Alertmanager's webhook JSON ({@code status}, {@code groupLabels}). */
    public static Notifications webhook(RecordingReceiver webhook, Collection<String> services) throws IOException {
        Builder b = new Builder("webhook", services);
        for (RecordingReceiver.Request r : webhook.requests()) {
            if (r.answered() != 200) {
                b.refused++;
                continue;
            }
            JsonNode n = JSON.readTree(r.body());
            b.add(n.path("status").asText(), n.path("groupLabels").path("service").asText(), r.idempotencyKey());
        }
        return b.build();
    }

    /** E-mail: the subject is Alertmanager's default ({@code [FIRING:1] …}), the id the {@code Message-ID}. */
    public static Notifications email(GreenMail mail, Collection<String> services) throws MessagingException {
        Builder b = new Builder("email", services);
        for (MimeMessage m : mail.getReceivedMessages()) {
            b.add(m.getSubject(), m.getMessageID());
        }
        return b.build();
    }

    private static final class Builder {
        private final String receiver;
        private final Set<String> services;
        private final Map<String, Map<String, Set<String>>> ids = new TreeMap<>();
        private int accepted;
        private int refused;
        private int foreign;

        Builder(String receiver, Collection<String> services) {
            this.receiver = receiver;
            this.services = new LinkedHashSet<>(services);
        }

        /** A notification whose state and group labels are in a title such as {@code [RESOLVED] E2eErrorSpike spike-x}. */
        void add(String title, String id) {
            String state = title.startsWith("[FIRING") ? "firing" : title.startsWith("[RESOLVED") ? "resolved" : "?";
            String service = Arrays.stream(title.split("[\\s()]+")).filter(services::contains).findFirst().orElse("?");
            add(state, service, id);
        }

        void add(String state, String service, String id) {
            accepted++;
            if (!services.contains(service) || !(state.equals("firing") || state.equals("resolved"))) {
                foreign++;
                return;
            }
            ids.computeIfAbsent(service, k -> new TreeMap<>()).computeIfAbsent(state, k -> new LinkedHashSet<>()).add(String.valueOf(id));
        }

        Notifications build() {
            return new Notifications(receiver, ids, accepted, refused, foreign);
        }
    }
}
