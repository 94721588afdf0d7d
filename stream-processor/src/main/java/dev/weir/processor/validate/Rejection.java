package dev.weir.processor.validate;

import dev.weir.schemas.DeadLetterReason;
import java.util.Objects;

/**
 * Why an event cannot be normalised. Thrown inside the normaliser to leave a deeply nested
 * parse at once, and turned into a dead letter by the topology; it never escapes the processor.
 * No stack trace is filled in: rejections are expected, frequent and explained by their fields.
 */
public final class Rejection extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient DeadLetterReason reason;
    private final String field;

    /**
     * @param reason the dead-letter reason
     * @param field  the offending field path, or {@code null} when no single field is to blame
     * @param detail a sentence for humans
     */
    public Rejection(DeadLetterReason reason, String field, String detail) {
        super(detail, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.field = field;
    }

    /** @return the dead-letter reason */
    public DeadLetterReason reason() {
        return reason;
    }

    /** @return the offending field path, or {@code null} */
    public String field() {
        return field;
    }

    /** @return the sentence for humans */
    public String detail() {
        return getMessage();
    }
}
