package dev.weir.agent.ship;

/**
 * Told once what became of one event: delivered (the broker acknowledged it with acks=all) or
 * failed for good. Called on the producer's I/O thread, so implementations must be quick and
 * must not block.
 */
public interface Delivery {
    /** A delivery nobody waits for (e.g. events recovered from a disk segment after a restart). */
    Delivery NONE = new Delivery() {
        @Override
        public void delivered() {
        }

        @Override
        public void failed(Exception cause) {
        }
    };

    /** The broker acknowledged the event. */
    void delivered();

    /**
     * The event cannot be delivered and will not be retried (e.g. larger than the broker
     * accepts); it has been counted and logged.
     *
     * @param cause the producer's exception
     */
    void failed(Exception cause);
}
