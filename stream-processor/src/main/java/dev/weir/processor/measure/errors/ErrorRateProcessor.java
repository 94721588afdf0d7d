package dev.weir.processor.measure.errors;

import dev.weir.processor.measure.MeasureListener;
import dev.weir.processor.measure.MeasureSettings;
import dev.weir.processor.measure.Observation;
import dev.weir.processor.measure.OpenWindows;
import dev.weir.processor.state.CommitHook;
import dev.weir.processor.measure.WindowCloser;
import dev.weir.schemas.ErrorRateWindow;
import java.time.Instant;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Counts requests, 4xx, 5xx, ERROR/FATAL logs and all logs per service and per service|route in
 * tumbling event-time windows, and forwards each window's final counts once it has closed.
 *
 * <p>An event older than its window's end plus grace (by the processor's event-time clock,
 * {@link WindowCloser#advance}) is late: it is not counted into its own, already emitted window but
 * into {@code late_events} of the service's window that holds the clock, and reported to the listener. (The event itself is untouched on
 * {@code weir.requests} / {@code weir.logs} and still reaches the other consumers.)
 *
 * <p>Not thread-safe: one instance per task.
 */
public final class ErrorRateProcessor implements Processor<String, Observation, String, ErrorRateWindow> {
    /** Separates service and route in store keys and output keys. */
    public static final char SEPARATOR = '|';
    /** Counts kept deserialized: the services and routes of a few open windows (a few hundred bytes each). */
    private static final int OPEN_WINDOW_ENTRIES = 4096;

    private final MeasureSettings settings;
    private final MeasureListener listener;
    private final String storeName;
    private final String marksStoreName;
    private final String hookName;
    private ProcessorContext<String, ErrorRateWindow> context;
    private WindowStore<String, ErrorRateWindow> store;
    private WindowCloser closer;
    /** The open windows' counts, deserialized; written to the store before each commit (write-behind). */
    private final OpenWindows<ErrorRateWindow> open = new OpenWindows<>(OPEN_WINDOW_ENTRIES);

    /**
     * @param settings       window, grace
     * @param listener       told about late events
     * @param storeName      the window store of counts
     * @param marksStoreName the key-value store of the emission mark
     * @param hookName       the task's {@link CommitHook}, which writes the counts to the store before each commit
     */
    public ErrorRateProcessor(MeasureSettings settings, MeasureListener listener, String storeName, String marksStoreName,
                              String hookName) {
        this.settings = settings;
        this.listener = listener;
        this.storeName = storeName;
        this.marksStoreName = marksStoreName;
        this.hookName = hookName;
    }

    @Override
    public void init(ProcessorContext<String, ErrorRateWindow> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        KeyValueStore<String, Long> marks = context.getStateStore(marksStoreName);
        this.closer = new WindowCloser(settings.window(), settings.grace(), settings.sourceWait(), marks);
        open.attach(store); // also after a dirty close: the store was restored, what was cached is stale
        CommitHook.register(context, hookName, open);
        closer.scheduleRechecks(context, this::emitClosed);
    }

    @Override
    public void process(Record<String, Observation> record) {
        Observation o = record.value();
        long clock = closer.advance(o.timestampMs(), context);
        long start = closer.windowStart(o.timestampMs());
        if (closer.isClosed(start, clock)) {
            listener.lateEvent("errors");
            long current = closer.windowStart(clock);
            ErrorRateWindow w = load(o.service(), null, current);
            w.setLateEvents(w.getLateEvents() + 1);
            put(o.service(), w, current);
        } else {
            add(o.service(), null, start, o);
            if (o.request() && o.route() != null) {
                add(o.service(), o.route(), start, o);
            }
        }
        emitClosed(clock);
    }

    private void add(String service, String route, long start, Observation o) {
        ErrorRateWindow w = load(service, route, start);
        if (o.request()) {
            w.setRequests(w.getRequests() + 1);
            if (o.status() >= 500) {
                w.setErrors5xx(w.getErrors5xx() + 1);
            } else if (o.status() >= 400) {
                w.setErrors4xx(w.getErrors4xx() + 1);
            }
        } else {
            w.setLogs(w.getLogs() + o.count());
            if (o.errorLog()) {
                w.setErrorLogs(w.getErrorLogs() + o.count());
            }
        }
        put(key(service, route), w, start);
    }

    private void put(String key, ErrorRateWindow w, long start) {
        open.put(key, start, w);
    }

    /** @return the store and output key: {@code service} or {@code service|route} */
    public static String key(String service, String route) {
        return route == null ? service : service + SEPARATOR + route;
    }

    private ErrorRateWindow load(String service, String route, long start) {
        String key = key(service, route);
        ErrorRateWindow w = open.get(key, start);
        if (w != null) {
            return w;
        }
        return ErrorRateWindow.newBuilder()
                .setService(service).setRoute(route)
                .setWindowStart(Instant.ofEpochMilli(start)).setWindowEnd(Instant.ofEpochMilli(start + closer.size()))
                .setRequests(0).setErrors4xx(0).setErrors5xx(0).setErrorLogs(0).setLogs(0).setLateEvents(0)
                .build();
    }

    private void emitClosed(long clock) {
        long[] range = closer.takeNewlyClosed(clock);
        if (range == null) {
            return;
        }
        open.dropStartingUpTo(range[1]); // writes the dirty counts first, so the store holds every closed window
        try (KeyValueIterator<Windowed<String>, ErrorRateWindow> it = store.fetchAll(range[0], range[1])) {
            while (it.hasNext()) {
                KeyValue<Windowed<String>, ErrorRateWindow> kv = it.next();
                context.forward(new Record<>(kv.key.key(), kv.value, kv.key.window().end()));
            }
        }
    }
}
