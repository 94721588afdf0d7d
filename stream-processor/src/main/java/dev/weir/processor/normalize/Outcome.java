package dev.weir.processor.normalize;

import dev.weir.processor.validate.Rejection;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.RequestEvent;

/** What became of one raw record: a log event, a request event, or a dead letter. */
public sealed interface Outcome {

    /**
     * @return whether the task that read the raw record owns the event's service, so that the
     *         measures and rules can take the event there; {@code false} for dead letters
     */
    boolean owned();

    /**
     * @param event the normalised, redacted log event
     * @param owned whether this task owns the service
     */
    record Log(LogEvent event, boolean owned) implements Outcome {
    }

    /**
     * @param event the normalised, redacted request event
     * @param owned whether this task owns the service
     */
    record Request(RequestEvent event, boolean owned) implements Outcome {
    }

    /**
     * @param reason    the reason code (a {@code DeadLetterReason} code, or {@code processing_error})
     * @param field     the offending field, or {@code null}
     * @param detail    explanation
     * @param key       the original key bytes
     * @param value     the original value bytes
     */
    record Dead(String reason, String field, String detail, byte[] key, byte[] value) implements Outcome {
        @Override
        public boolean owned() {
            return false;
        }

        static Dead of(Rejection r, byte[] key, byte[] value) {
            return new Dead(r.reason().code(), r.field(), r.detail(), key, value);
        }
    }
}
