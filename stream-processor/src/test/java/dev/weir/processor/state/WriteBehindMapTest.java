package dev.weir.processor.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WriteBehindMapTest {
    /** A mutable value: a counter, stored as its decimal text. */
    static final class Count {
        long n;

        Count(long n) {
            this.n = n;
        }
    }

    KeyValueStore<String, byte[]> store;
    AtomicInteger encodes = new AtomicInteger();
    WriteBehindMap<Count> map;

    @BeforeEach
    void setUp() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("counts"), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        map = newMap(3);
    }

    WriteBehindMap<Count> newMap(int max) {
        WriteBehindMap<Count> m = new WriteBehindMap<>(max, b -> new Count(Long.parseLong(new String(b, StandardCharsets.UTF_8))),
                c -> {
                    encodes.incrementAndGet();
                    return Long.toString(c.n).getBytes(StandardCharsets.UTF_8);
                });
        m.attach(store);
        return m;
    }

    long stored(String key) {
        byte[] b = store.get(key);
        return b == null ? -1 : Long.parseLong(new String(b, StandardCharsets.UTF_8));
    }

    void increment(String key) {
        Count c = map.get(key);
        if (c == null) {
            c = new Count(0);
        }
        c.n++;
        map.put(key, c);
    }

    @Test
    void shouldWriteEachChangedValueOnceAtTheFlushNotAtEveryChange() {
        for (int i = 0; i < 100; i++) {
            increment("a");
        }
        increment("b");

        assertThat(stored("a")).isEqualTo(-1);
        assertThat(encodes).hasValue(0);

        map.flushDirty();
        assertThat(stored("a")).isEqualTo(100);
        assertThat(stored("b")).isEqualTo(1);
        assertThat(encodes).hasValue(2);

        map.flushDirty(); // nothing changed since
        assertThat(encodes).hasValue(2);
    }

    @Test
    void shouldReadTheStoreOnceAndKeepTheLiveInstance() {
        store.put("a", "41".getBytes(StandardCharsets.UTF_8));
        increment("a");
        increment("a");
        map.flushDirty();
        assertThat(stored("a")).isEqualTo(43);
    }

    @Test
    void shouldWriteADirtyValueWhenItIsEvictedAndReadItBackLater() {
        increment("a");
        increment("b");
        increment("c");
        increment("d"); // evicts a, the least recently used: written now
        assertThat(stored("a")).isEqualTo(1);
        assertThat(stored("b")).isEqualTo(-1);

        increment("a"); // read back from the store
        map.flushDirty();
        assertThat(stored("a")).isEqualTo(2);
        assertThat(stored("b")).isEqualTo(1);
        assertThat(stored("d")).isEqualTo(1);
    }

    @Test
    void shouldDeleteFromTheStoreAtOnceAndDropAPendingWrite() {
        increment("a");
        map.flushDirty();
        increment("a");
        map.delete("a");
        assertThat(stored("a")).isEqualTo(-1);
        map.flushDirty();
        assertThat(stored("a")).isEqualTo(-1);
        assertThat(map.get("a")).isNull();
    }

    @Test
    void shouldWriteTheLatestInstanceWhenAKeyIsReplaced() {
        increment("a");
        map.put("a", new Count(7));
        map.flushDirty();
        assertThat(stored("a")).isEqualTo(7);
    }

    @Test
    void shouldForgetUnwrittenChangesWhenAttachedAgain() {
        increment("a");
        map.flushDirty();
        increment("a"); // not flushed: as after a dirty close, this change was never committed

        map.attach(store);
        assertThat(map.get("a").n).isEqualTo(1);
        map.flushDirty();
        assertThat(stored("a")).isEqualTo(1);
    }
    @Test
    void shouldPutAValueWhoseEntryWasEvictedBetweenTheGetAndThePut() {
        map = newMap(1);
        store.put("a", "5".getBytes(StandardCharsets.UTF_8));
        String key = "a";
        Count a = map.get(key);
        map.put("b", new Count(7)); // evicts a: at most one value in memory
        a.n++;
        map.put(key, a); // the same key instance as the get: the put must not trust the evicted entry

        map.flushDirty();
        assertThat(stored("a")).isEqualTo(6);
        assertThat(map.get("a")).isSameAs(a);
    }

    @Test
    void shouldKeepAValuePutAfterAttachingAgainWithTheKeyOfTheLastGet() {
        store.put("a", "5".getBytes(StandardCharsets.UTF_8));
        String key = "a";
        Count a = map.get(key);
        map.attach(store); // forgets the live values, a's entry with them
        map.put(key, a);

        assertThat(map.get("a")).isSameAs(a);
        a.n = 8;
        map.flushDirty();
        assertThat(stored("a")).isEqualTo(8);
    }
}
