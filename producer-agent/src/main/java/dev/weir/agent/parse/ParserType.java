package dev.weir.agent.parse;

import java.time.Clock;
import java.time.ZoneId;

/** The parsers an input can be configured with ({@code parser: json|nginx|apache|gunicorn|uvicorn|sshd}). */
public enum ParserType {
    /** JSON objects passed through (logstash-logback-encoder, ECS, request events). */
    JSON,
    /** nginx combined access log, request time in seconds. */
    NGINX,
    /** Apache httpd combined access log, request time ({@code %D}) in microseconds. */
    APACHE,
    /** gunicorn access log (its default format is Apache's combined), request time {@code %(L)s} or {@code %(D)s}. */
    GUNICORN,
    /** uvicorn access log ({@code INFO:     127.0.0.1:52114 - "GET / HTTP/1.1" 200 OK}, optionally after a time). */
    UVICORN,
    /** syslog sshd authentication lines. */
    SSHD;

    /** The kind of event this parser produces by default. */
    public EventKind defaultKind() {
        return this == NGINX || this == APACHE || this == GUNICORN || this == UVICORN ? EventKind.REQUEST : EventKind.LOG;
    }

    /**
     * @param jsonKind the kind of JSON events (an input's {@code events} setting); ignored by text parsers
     * @param enrichment service, environment, host
     * @param clock time of reading
     * @param zone zone of syslog timestamps
     * @return a new parser
     */
    public LineParser create(EventKind jsonKind, Enrichment enrichment, Clock clock, ZoneId zone) {
        return switch (this) {
            case JSON -> new JsonLineParser(jsonKind, enrichment, clock);
            case NGINX -> new AccessLogParser(AccessLogParser.Flavor.NGINX, enrichment, clock);
            case APACHE -> new AccessLogParser(AccessLogParser.Flavor.APACHE, enrichment, clock);
            case GUNICORN -> new AccessLogParser(AccessLogParser.Flavor.GUNICORN, enrichment, clock);
            case UVICORN -> new UvicornParser(enrichment, clock, zone);
            case SSHD -> new SshdParser(enrichment, clock, zone);
        };
    }
}
