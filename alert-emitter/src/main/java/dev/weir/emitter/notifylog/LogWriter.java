package dev.weir.emitter.notifylog;

/**
 * Writes notification-log entries for the groups of one partition of the work. In a cluster it is
 * the partition's transactional producer: a write made after another instance took the
 * partition over fails (the producer is fenced), so an instance that lost a partition cannot
 * announce a notification, and so cannot send one.
 */
public interface LogWriter {
    /**
     * Writes an entry durably; once this returns, any instance that takes the partition over
     * sees it before it sends anything for that group.
     *
     * @param key the entry's key
     * @param value the entry as JSON
     * @throws IllegalStateException when the entry could not be written (the broker is
     *     unreachable, or this instance no longer owns the partition)
     */
    void write(String key, String value);
}
