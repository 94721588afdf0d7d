package dev.weir.agent.parse;

/** Which raw topic an event belongs on: log events or request events. */
public enum EventKind {
    /** A log line; goes to {@code weir.raw.logs}. */
    LOG,
    /** A served HTTP request; goes to {@code weir.raw.requests}. */
    REQUEST
}
