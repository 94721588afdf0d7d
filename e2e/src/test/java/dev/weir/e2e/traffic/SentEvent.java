package dev.weir.e2e.traffic;

/**
 * One generated event and what is known about it.
 *
 * @param seq         its number in the run, zero-padded ({@code labels.seq}), unique
 * @param id          the {@code event.id} the agent gives it ({@code h-<body hash>-<line>}), or {@code null} for a line
 *                    written to a tailed file (its id holds the file's inode)
 * @param service     {@code service.name}
 * @param input       {@code http} or {@code file}
 * @param request     a request event (else a log event)
 * @param timestampMs its {@code @timestamp}
 * @param status      the request's status; 0 for a log
 * @param level       the log's level; {@code null} for a request
 * @param phase       {@code labels.phase}: the part of the run it was generated in
 */
public record SentEvent(String seq, String id, String service, String input, boolean request, long timestampMs, int status,
                        String level, String phase) {

    /** @return whether it counts as an error log (ERROR or FATAL) in {@code weir.stats.errors} */
    public boolean errorLog() {
        return !request && ("error".equals(level) || "fatal".equals(level));
    }
}
