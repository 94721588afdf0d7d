package dev.weir.emitter.delivery;

import dev.weir.emitter.template.NotificationData;

/** One configured way to reach a receiver: a slack_config, email_config, webhook_config or pagerduty_config. */
public interface Integration {
    /** @return {@code slack}, {@code email}, {@code webhook} or {@code pagerduty} */
    String kind();

    /** @return its position among the receiver's integrations of the same kind */
    int index();

    /** @return whether resolved alerts are sent */
    boolean sendResolved();

    /**
     * Sends one notification, once (retries are the caller's).
     *
     * @param data the rendered group; resolved alerts are already removed when {@link #sendResolved()} is false
     * @throws DeliveryException when it did not get through
     */
    void send(NotificationData data) throws DeliveryException;
}
