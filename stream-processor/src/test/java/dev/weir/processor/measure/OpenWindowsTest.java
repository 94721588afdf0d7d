package dev.weir.processor.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenWindowsTest {
    static final long MINUTE = 60_000;

    WindowStore<String, Long> store;
    /** Long values are immutable: each change puts a new instance, as a processor does with a new aggregate. */
    OpenWindows<Long> open;

    /** (key, window start) → value, behind the two WindowStore methods OpenWindows calls. */
    final Map<String, Long> contents = new HashMap<>();

    @BeforeEach
    void setUp() {
        // Kafka's window stores need Streams internals to initialise outside a topology, so this is a map
        // behind Kafka's WindowStore interface; any other method fails the test.
        store = windowStoreOver(contents);
        open = new OpenWindows<>(3);
        open.attach(store);
    }

    @SuppressWarnings("unchecked")
    static WindowStore<String, Long> windowStoreOver(Map<String, Long> contents) {
        return (WindowStore<String, Long>) Proxy.newProxyInstance(OpenWindowsTest.class.getClassLoader(),
                new Class<?>[] {WindowStore.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "put" -> {
                        contents.put(args[0] + "@" + args[2], (Long) args[1]);
                        yield null;
                    }
                    case "fetch" -> {
                        if (args.length != 2 || !(args[1] instanceof Long)) {
                            throw new UnsupportedOperationException("fetch" + Arrays.toString(args));
                        }
                        yield contents.get(args[0] + "@" + args[1]);
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    void add(String key, long start) {
        Long v = open.get(key, start);
        open.put(key, start, v == null ? 1 : v + 1);
    }

    @Test
    void shouldWriteChangedWindowsOnlyAtTheFlush() {
        add("a", 0);
        add("a", 0);
        add("a", MINUTE);
        assertThat(store.fetch("a", 0)).isNull();
        assertThat(open.dirtyCount()).isEqualTo(2);

        open.flushDirty();
        assertThat(store.fetch("a", 0)).isEqualTo(2);
        assertThat(store.fetch("a", MINUTE)).isEqualTo(1);
        assertThat(open.dirtyCount()).isZero();
    }

    @Test
    void shouldWriteBeforeDroppingClosedWindowsAndReadThemBackFromTheStore() {
        add("a", 0);
        add("b", MINUTE);
        open.dropStartingUpTo(0);
        assertThat(store.fetch("a", 0)).isEqualTo(1);
        assertThat(store.fetch("b", MINUTE)).isEqualTo(1);
        assertThat(open.size()).isEqualTo(1);

        add("a", 0); // a late add to a dropped window reads the store
        open.flushDirty();
        assertThat(store.fetch("a", 0)).isEqualTo(2);
    }

    @Test
    void shouldWriteEverythingWhenFullAndStartOver() {
        add("a", 0);
        add("b", 0);
        add("c", 0);
        add("d", 0); // full: a, b, c are written, then d is cached
        assertThat(store.fetch("a", 0)).isEqualTo(1);
        assertThat(store.fetch("c", 0)).isEqualTo(1);
        assertThat(open.size()).isEqualTo(1);
        add("a", 0);
        open.flushDirty();
        assertThat(store.fetch("a", 0)).isEqualTo(2);
        assertThat(store.fetch("d", 0)).isEqualTo(1);
    }

    @Test
    void shouldForgetUnwrittenChangesWhenAttachedAgain() {
        add("a", 0);
        open.flushDirty();
        add("a", 0);
        open.attach(store);
        assertThat(open.get("a", 0)).isEqualTo(1);
    }
}
