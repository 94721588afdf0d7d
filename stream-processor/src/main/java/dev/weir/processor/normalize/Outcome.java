package dev.weir.processor.normalize;

import dev.weir.processor.validate.Rejection;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.RequestEvent;

/** What became of one raw record: a log event, a request event, or a dead letter. */
public sealed interface Outcome {

    /** @param event the normalised, redacted log event */
    record Log(LogEvent event) implements Outcome {
    }

    /** @param event the normalised, redacted request event */
    record Request(RequestEvent event) implements Outcome {
    }

    /**
     * @param reason    the reason code (a {@code DeadLetterReason} code, or {@code processing_error})
     * @param field     the offending field, or {@code null}
     * @param detail    explanation
     * @param key       the original key bytes
     * @param value     the original value bytes
     */
    record Dead(String reason, String field, String detail, byte[] key, byte[] value) implements Outcome {
        static Dead of(Rejection r, byte[] key, byte[] value) {
            return new Dead(r.reason().code(), r.field(), r.detail(), key, value);
        }
    }
}
