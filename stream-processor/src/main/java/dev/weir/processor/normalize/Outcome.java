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
     * @return whether the event is a file line an agent sent again ({@link ReplayGuard}): it still goes to its clean
     *         topic, where Elasticsearch keeps one document per id, but not to the measures and rules, which would
     *         count it twice
     */
    boolean copy();

    /**
     * @param event the normalised, redacted log event
     * @param owned whether this task owns the service
     * @param copy  whether an agent sent the line before
     */
    record Log(LogEvent event, boolean owned, boolean copy) implements Outcome {
        /** A log event seen for the first time. */
        public Log(LogEvent event, boolean owned) {
            this(event, owned, false);
        }
    }

    /**
     * @param event the normalised, redacted request event
     * @param owned whether this task owns the service
     * @param copy  whether an agent sent the line before
     */
    record Request(RequestEvent event, boolean owned, boolean copy) implements Outcome {
        /** A request event seen for the first time. */
        public Request(RequestEvent event, boolean owned) {
            this(event, owned, false);
        }
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

        @Override
        public boolean copy() {
            return false;
        }

        static Dead of(Rejection r, byte[] key, byte[] value) {
            return new Dead(r.reason().code(), r.field(), r.detail(), key, value);
        }
    }
}
