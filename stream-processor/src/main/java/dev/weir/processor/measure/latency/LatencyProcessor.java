package dev.weir.processor.measure.latency;

import dev.weir.processor.measure.MeasureListener;
import dev.weir.processor.measure.MeasureSettings;
import dev.weir.processor.measure.Observation;
import dev.weir.processor.measure.OpenWindows;
import dev.weir.processor.state.CommitHook;
import dev.weir.processor.measure.WindowCloser;
import dev.weir.processor.measure.errors.ErrorRateProcessor;
import dev.weir.schemas.LatencyWindow;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Sketches request latency per service and per service|route in tumbling event-time windows
 * and forwards each window's {@link LatencyWindow} once it has closed. Requests without a
 * duration are ignored; late requests are reported to the listener and not added. Not
 * thread-safe: one instance per task.
 */
public final class LatencyProcessor implements Processor<String, Observation, String, LatencyWindow> {
    /** At most about 5 MB of sketches (2-5 kB each): the services and routes of a few open windows. */
    private static final int OPEN_WINDOW_ENTRIES = 1024;

    private final MeasureSettings settings;
    private final MeasureListener listener;
    private final String storeName;
    private final String marksStoreName;
    private final String hookName;
    private ProcessorContext<String, LatencyWindow> context;
    private WindowStore<String, LatencyAggregate> store;
    private WindowCloser closer;
    /**
     * The open windows' aggregates, deserialized: reading a 2-5 kB sketch back from the store for
     * every request (a protobuf parse) was the measure's main cost, and serializing it back for
     * every request the next. Write-behind: each changed aggregate is put into the store once per
     * commit (see {@link OpenWindows}).
     */
    private final OpenWindows<LatencyAggregate> open = new OpenWindows<>(OPEN_WINDOW_ENTRIES);

    /**
     * @param settings       window, grace, relative accuracy
     * @param listener       told about late events
     * @param storeName      the window store of aggregates
     * @param marksStoreName the key-value store of the emission mark
     * @param hookName       the task's {@link CommitHook}, which writes the aggregates to the store before each commit
     */
    public LatencyProcessor(MeasureSettings settings, MeasureListener listener, String storeName, String marksStoreName,
                            String hookName) {
        this.settings = settings;
        this.listener = listener;
        this.storeName = storeName;
        this.marksStoreName = marksStoreName;
        this.hookName = hookName;
    }

    @Override
    public void init(ProcessorContext<String, LatencyWindow> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        this.closer = new WindowCloser(settings.window(), settings.grace(), settings.sourceWait(), context.getStateStore(marksStoreName));
        open.attach(store); // also after a dirty close: the store was restored, what was cached is stale
        CommitHook.register(context, hookName, open);
        closer.scheduleRechecks(context, this::emitClosed);
    }

    @Override
    public void process(Record<String, Observation> record) {
        Observation o = record.value();
        long clock = closer.advance(o.timestampMs(), context);
        if (o.request() && o.durationMs() != null) {
            long start = closer.windowStart(o.timestampMs());
            if (closer.isClosed(start, clock)) {
                listener.lateEvent("latency");
            } else {
                add(ErrorRateProcessor.key(o.service(), null), start, o.durationMs());
                if (o.route() != null) {
                    add(ErrorRateProcessor.key(o.service(), o.route()), start, o.durationMs());
                }
            }
        }
        emitClosed(clock);
    }

    private void add(String key, long start, double ms) {
        LatencyAggregate a = open.get(key, start);
        if (a == null) {
            a = LatencyAggregate.empty(settings.relativeAccuracy());
        }
        a.add(ms);
        open.put(key, start, a);
    }

    private void emitClosed(long clock) {
        long[] range = closer.takeNewlyClosed(clock);
        if (range == null) {
            return;
        }
        open.dropStartingUpTo(range[1]); // writes the dirty aggregates first, so the store holds every closed window
        try (KeyValueIterator<Windowed<String>, LatencyAggregate> it = store.fetchAll(range[0], range[1])) {
            while (it.hasNext()) {
                KeyValue<Windowed<String>, LatencyAggregate> kv = it.next();
                String key = kv.key.key();
                int bar = key.indexOf(ErrorRateProcessor.SEPARATOR);
                String service = bar < 0 ? key : key.substring(0, bar);
                String route = bar < 0 ? null : key.substring(bar + 1);
                context.forward(new Record<>(key, toWindow(service, route, kv.key.window().start(), kv.key.window().end(),
                        kv.value, settings.relativeAccuracy()), kv.key.window().end()));
            }
        }
    }

    /**
     * @return the Avro statistics of one aggregate
     */
    public static LatencyWindow toWindow(String service, String route, long start, long end, LatencyAggregate a,
                                         double relativeAccuracy) {
        return LatencyWindow.newBuilder()
                .setService(service).setRoute(route)
                .setWindowStart(Instant.ofEpochMilli(start)).setWindowEnd(Instant.ofEpochMilli(end))
                .setCount(a.count())
                .setSketch(ByteBuffer.wrap(Sketches.toBytes(a.sketch())))
                .setRelativeAccuracy(relativeAccuracy)
                .setP50(a.quantile(0.5)).setP90(a.quantile(0.9)).setP95(a.quantile(0.95))
                .setP99(a.quantile(0.99)).setP999(a.quantile(0.999))
                .setMin(a.min()).setMax(a.max()).setSum(a.sum())
                .build();
    }
}
