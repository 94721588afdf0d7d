package dev.weir.emitter.delivery;

import dev.weir.emitter.template.NotificationData;

/**
 * One configured way to reach a receiver: an entry of slack_configs, email_configs,
 * webhook_configs, pagerduty_configs, msteams_configs, discord_configs, opsgenie_configs or
 * telegram_configs.
 */
public interface Integration {
    /** @return {@code slack}, {@code email}, {@code webhook}, {@code pagerduty}, {@code msteams}, {@code discord}, {@code opsgenie} or {@code telegram} */
    String kind();

    /** @return its position among the receiver's integrations of the same kind */
    int index();

    /** @return whether resolved alerts are sent */
    boolean sendResolved();

    /**
     * Sends one notification, once (retries are the caller's).
     *
     * @param data the rendered group; resolved alerts are already removed when {@link #sendResolved()} is false
     * @param id the notification's id, the same when it is sent again; sent as {@code Idempotency-Key}
     *     (HTTP) or in the {@code Message-ID} (e-mail) so that a receiver can drop a repeat
     * @throws DeliveryException when it did not get through
     */
    void send(NotificationData data, String id) throws DeliveryException;
}
