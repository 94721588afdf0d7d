package dev.weir.processor.state;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CachedStateStore;
import org.apache.kafka.streams.state.internals.CacheFlushListener;

/**
 * A state store that holds nothing: it tells its task's processors to write their dirty
 * in-memory aggregates into their stores right before Kafka Streams commits, so that a processor
 * can keep its aggregates deserialized and encode each changed one once per commit instead of once
 * per event (write-behind).
 *
 * <p>Why this is safe under exactly_once_v2: before every commit, {@code StreamTask.prepareCommit}
 * flushes its state stores' caches ({@code ProcessorStateManager.flushCache}, which calls
 * {@link #flushCache()} of every store implementing {@link CachedStateStore}), then flushes the
 * record collector, then commits the transaction with the input offsets. The flushes run here put
 * the aggregates into their stores; those stores must have <b>caching disabled</b>, so that each
 * put goes to the store's changelog at once and is part of the transaction being committed (with
 * caching on, a store whose cache was flushed before this hook would hold the puts until the next
 * commit). A task that fails or is closed dirty discards its processors (they clear their
 * in-memory state in {@code init}) and restores the stores from the changelogs: nothing
 * uncommitted survives, as with Kafka's own record cache.
 *
 * <p>{@link CachedStateStore} is an internal Kafka Streams interface (the one Kafka's own caching
 * stores use for this). No public pre-commit hook exists in Kafka 4.1; Kafka 4.3's
 * {@code StateStore.commit(Map)} (KIP-1035) is where this belongs once Weir moves there. If a Kafka
 * upgrade stopped calling it, the stores would only be written by the processors' own flushes (on
 * window close, punctuation and cache overflow), and {@code ProcessorFailoverIT} and
 * {@code RulesIT}, which kill a processor with SIGKILL and compare the counts and alerts with what
 * was produced, would fail.
 *
 * <p>One instance per task, used by that task's stream thread only.
 */
public final class CommitHook implements StateStore, CachedStateStore<Object, Object> {
    /** Something holding aggregates that are not in their stores yet. */
    public interface WriteBehind {
        /** Writes every aggregate changed since the last call into its store. */
        void flushDirty();
    }

    private final String name;
    private final Set<WriteBehind> writers = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean open;

    private CommitHook(String name) {
        this.name = name;
    }

    /**
     * @param name store name (unique in the topology)
     * @return a builder of the hook: in memory, no changelog (it holds nothing)
     */
    public static StoreBuilder<CommitHook> builder(String name) {
        return new Builder(Objects.requireNonNull(name, "name"));
    }

    /**
     * Registers {@code writer} with its task's hook; call it from the processor's {@code init}
     * (registering the same processor again after a re-initialisation is harmless).
     *
     * @param context  the processor's context, connected to the store {@code name}
     * @param name     the hook's store name
     * @param writer   flushed before every commit of the task
     */
    public static void register(ProcessorContext<?, ?> context, String name, WriteBehind writer) {
        StateStore store = context.getStateStore(name);
        if (!(store instanceof CommitHook hook)) {
            throw new IllegalStateException("Store " + name + " is a " + store.getClass().getName() + ", not a CommitHook");
        }
        hook.writers.add(Objects.requireNonNull(writer, "writer"));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        context.register(root, (key, value) -> { });
        open = true;
    }

    /** Called by Kafka Streams before each commit: the processors write their dirty aggregates. */
    @Override
    public void flushCache() {
        for (WriteBehind w : writers) {
            w.flushDirty();
        }
    }

    /** Store flush (after the commit, and on close): also flushes, which is a no-op when nothing changed since. */
    @Override
    public void flush() {
        flushCache();
    }

    @Override
    public void clearCache() {
        // nothing cached here; the processors drop their own state when they are re-initialised
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<Object, Object> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public void close() {
        writers.clear();
        open = false;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    private static final class Builder implements StoreBuilder<CommitHook> {
        private final String name;

        Builder(String name) {
            this.name = name;
        }

        @Override
        public StoreBuilder<CommitHook> withCachingEnabled() {
            return this;
        }

        @Override
        public StoreBuilder<CommitHook> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<CommitHook> withLoggingEnabled(Map<String, String> config) {
            throw new UnsupportedOperationException("A CommitHook holds no data and has no changelog");
        }

        @Override
        public StoreBuilder<CommitHook> withLoggingDisabled() {
            return this;
        }

        @Override
        public CommitHook build() {
            return new CommitHook(name);
        }

        @Override
        public Map<String, String> logConfig() {
            return Map.of();
        }

        @Override
        public boolean loggingEnabled() {
            return false;
        }

        @Override
        public String name() {
            return name;
        }
    }
}
