package dev.weir.processor.measure.logins;

import dev.weir.processor.measure.MeasureListener;
import dev.weir.processor.measure.MeasureSettings;
import dev.weir.processor.measure.OpenWindows;
import dev.weir.processor.measure.WindowCloser;
import dev.weir.processor.state.CommitHook;
import dev.weir.schemas.LoginBurstKind;
import dev.weir.schemas.LoginBurstWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Counts login attempts per key in tumbling event-time windows and emits the detections of
 * {@link LoginBurstKind}. Two modes:
 * <ul>
 *   <li>{@link Mode#BY_SOURCE} — input keyed by source IP. On window close: {@code BY_SOURCE} when
 *       failures reach {@code sourceMinFailures}, {@code SPRAYING} when the distinct users reach
 *       {@code sprayingMinUsers}. At once, on a success: {@code SUCCESS_AFTER_FAILURES} when the
 *       IP failed at least {@code successAfterFailuresMin} times in this and the previous window
 *       (once per IP and window).</li>
 *   <li>{@link Mode#BY_USER} — input keyed by user name. On window close:
 *       {@code BY_USER_DISTINCT_IPS} when the distinct failing IPs reach {@code userMinDistinctIps}.</li>
 * </ul>
 * Output key: {@code KIND|key}.
 *
 * <p>The open windows' states stay deserialized and are written to the store once per commit
 * through the task's {@link CommitHook} (write-behind, {@link OpenWindows}), as for the error-rate
 * and latency windows: a state holds up to {@code distinctCap} names and was serialized on every
 * attempt. Not thread-safe: one instance per task.
 */
public final class LoginBurstProcessor implements Processor<String, LoginAttempt, String, LoginBurstWindow> {

    /** What the input is keyed by. */
    public enum Mode { BY_SOURCE, BY_USER }

    private static final int OPEN_WINDOW_ENTRIES = 4096;

    private final Mode mode;
    private final MeasureSettings settings;
    private final MeasureListener listener;
    private final String storeName;
    private final String marksStoreName;
    private final String hookName;
    private ProcessorContext<String, LoginBurstWindow> context;
    private WindowStore<String, LoginWindowState> store;
    private WindowCloser closer;
    /** The open windows' states, deserialized; written to the store before each commit. */
    private final OpenWindows<LoginWindowState> open = new OpenWindows<>(OPEN_WINDOW_ENTRIES);

    /**
     * @param mode           what the input is keyed by
     * @param settings       login window, grace, thresholds, caps
     * @param listener       told about late events
     * @param storeName      the window store of {@link LoginWindowState}
     * @param marksStoreName the key-value store of the emission mark
     * @param hookName       the task's {@link CommitHook}, which writes the states to the store before each commit
     */
    public LoginBurstProcessor(Mode mode, MeasureSettings settings, MeasureListener listener, String storeName,
                               String marksStoreName, String hookName) {
        this.mode = mode;
        this.settings = settings;
        this.listener = listener;
        this.storeName = storeName;
        this.marksStoreName = marksStoreName;
        this.hookName = hookName;
    }

    @Override
    public void init(ProcessorContext<String, LoginBurstWindow> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        this.closer = new WindowCloser(settings.loginWindow(), settings.grace(), Duration.ZERO, context.getStateStore(marksStoreName));
        open.attach(store); // also after a dirty close: the store was restored, what was cached is stale
        CommitHook.register(context, hookName, open);
    }

    @Override
    public void process(Record<String, LoginAttempt> record) {
        LoginAttempt a = record.value();
        String key = record.key();
        long streamTime = context.currentStreamTimeMs();
        if (a != null && key != null) {
            long start = closer.windowStart(a.timestampMs());
            if (closer.isClosed(start, streamTime)) {
                listener.lateEvent(mode == Mode.BY_SOURCE ? "logins_by_source" : "logins_by_user");
            } else {
                update(key, start, a);
            }
        }
        emitClosed(streamTime);
    }

    private void update(String key, long start, LoginAttempt a) {
        LoginWindowState s = open.get(key, start);
        if (s == null) {
            s = new LoginWindowState();
        }
        s.seeService(a.service());
        if (a.success()) {
            s.successes += a.count();
            if (mode == Mode.BY_SOURCE && !s.successAlerted && recentFailures(key, start, s) >= settings.successAfterFailuresMin()) {
                s.successAlerted = true;
                LoginBurstWindow w = window(LoginBurstKind.SUCCESS_AFTER_FAILURES, key + "|" + a.userName(), start, s,
                        recentFailures(key, start, s));
                w.setUserName(a.userName());
                w.setSuccess(true);
                context.forward(new Record<>(LoginBurstKind.SUCCESS_AFTER_FAILURES + "|" + w.getKey(), w, a.timestampMs()));
            }
        } else {
            s.failures += a.count();
            String other = mode == Mode.BY_SOURCE ? a.userName() : a.sourceIp();
            if (other != null && s.distinct.size() < settings.distinctCap()) {
                s.distinct.add(other);
            }
            if (a.userName() != null && s.sampleUsers.size() < settings.sampleSize() && !s.sampleUsers.contains(a.userName())) {
                s.sampleUsers.add(a.userName());
            }
            if (a.eventId() != null && s.exemplars.size() < settings.sampleSize()) {
                s.exemplars.add(a.eventId());
            }
        }
        open.put(key, start, s);
    }

    /** Failures of this key in the window starting at {@code start} (given as {@code current}) and the one before. */
    private long recentFailures(String key, long start, LoginWindowState current) {
        LoginWindowState previous = open.get(key, start - closer.size());
        return current.failures + (previous == null ? 0 : previous.failures);
    }

    private void emitClosed(long streamTime) {
        long[] range = closer.takeNewlyClosed(streamTime);
        if (range == null) {
            return;
        }
        open.dropStartingUpTo(range[1]); // writes the dirty states first, so the store holds every closed window
        List<Record<String, LoginBurstWindow>> out = new ArrayList<>();
        try (KeyValueIterator<Windowed<String>, LoginWindowState> it = store.fetchAll(range[0], range[1])) {
            while (it.hasNext()) {
                KeyValue<Windowed<String>, LoginWindowState> kv = it.next();
                String key = kv.key.key();
                long start = kv.key.window().start();
                LoginWindowState s = kv.value;
                if (mode == Mode.BY_SOURCE) {
                    if (s.failures >= settings.sourceMinFailures()) {
                        out.add(record(window(LoginBurstKind.BY_SOURCE, key, start, s, s.failures)));
                    }
                    if (s.distinct.size() >= settings.sprayingMinUsers()) {
                        out.add(record(window(LoginBurstKind.SPRAYING, key, start, s, s.failures)));
                    }
                } else if (s.distinct.size() >= settings.userMinDistinctIps()) {
                    out.add(record(window(LoginBurstKind.BY_USER_DISTINCT_IPS, key, start, s, s.failures)));
                }
            }
        }
        out.forEach(context::forward);
    }

    private static Record<String, LoginBurstWindow> record(LoginBurstWindow w) {
        return new Record<>(w.getKind() + "|" + w.getKey(), w, w.getWindowEnd().toEpochMilli());
    }

    private LoginBurstWindow window(LoginBurstKind kind, String key, long start, LoginWindowState s, long failures) {
        boolean bySource = mode == Mode.BY_SOURCE;
        return LoginBurstWindow.newBuilder()
                .setKind(kind)
                .setKey(key)
                .setService(s.service)
                .setSourceIp(bySource ? key.split("\\|", 2)[0] : null)
                .setUserName(bySource ? null : key)
                .setWindowStart(Instant.ofEpochMilli(start))
                .setWindowEnd(Instant.ofEpochMilli(start + closer.size()))
                .setFailures(failures)
                .setSuccesses(s.successes)
                .setDistinctUsers(bySource ? s.distinct.size() : 1)
                .setDistinctIps(bySource ? 1 : s.distinct.size())
                .setSuccess(s.successes > 0)
                .setSampleUsers(new ArrayList<>(s.sampleUsers))
                .setExemplarEventIds(new ArrayList<>(s.exemplars))
                .build();
    }
}
