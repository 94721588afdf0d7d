package dev.weir.emitter.cluster;

import dev.weir.common.kafka.KafkaClients;
import dev.weir.common.kafka.KafkaSettings;
import dev.weir.emitter.notifylog.LogWriter;
import dev.weir.emitter.state.KafkaStateStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notification-log writer of one partition of the work: a transactional producer whose
 * {@code transactional.id} is the partition's ({@code weir-emitter-nflog-<partition>}), the same
 * on every instance. The instance that takes a partition over creates its writer, and the
 * broker then fences the previous owner's producer (its open transaction is aborted, its next
 * write fails): an instance that lost a partition, even one that does not know it yet (a long
 * pause, a network split), can no longer announce a notification for its groups, and so cannot
 * send one. Each write is its own transaction, committed before {@link #write} returns.
 * Thread-safe (writes are serialised).
 */
final class PartitionLogWriter implements LogWriter, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PartitionLogWriter.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final int partition;
    private final KafkaStateStore store;
    private final Map<String, Object> props;
    private KafkaProducer<String, String> producer;
    private volatile boolean fenced;

    /**
     * Creates the producer and fences every earlier owner of the partition (blocks until the
     * broker has aborted their open transactions).
     *
     * @param kafka the cluster
     * @param transactionalIdPrefix e.g. {@code weir-emitter-nflog}
     * @param partition the partition of {@code weir.alerts} this writer is for
     * @param store the notification log's store, told each committed write
     */
    PartitionLogWriter(KafkaSettings kafka, String transactionalIdPrefix, int partition, KafkaStateStore store) {
        this.partition = partition;
        this.store = store;
        props = KafkaClients.producer(kafka, transactionalIdPrefix + "-" + partition);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalIdPrefix + "-" + partition);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis());
        producer = newProducer();
    }

    private KafkaProducer<String, String> newProducer() {
        KafkaProducer<String, String> p = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
        try {
            p.initTransactions();
        } catch (RuntimeException e) {
            p.close(Duration.ZERO);
            throw e;
        }
        return p;
    }

    @Override
    public synchronized void write(String key, String value) {
        if (fenced) {
            throw new IllegalStateException("partition " + partition + " has a new owner; this instance no longer writes for it");
        }
        try {
            attempt(key, value);
        } catch (RecoverableFailure e) {
            // The producer is in an error state that is not fencing (the broker answered a
            // transaction it had already completed as invalid): start a new one, which only
            // bumps its own epoch, and write again (rewriting the same entry is harmless).
            log.warn("notification-log writer of partition {} failed ({}); starting it again", partition, e.getMessage());
            producer.close(Duration.ZERO);
            producer = newProducer();
            try {
                attempt(key, value);
            } catch (RecoverableFailure again) {
                throw new IllegalStateException(again.getMessage(), again.getCause());
            }
        }
    }

    /** A failure after which the producer cannot go on but nothing says another instance owns the partition. */
    private static final class RecoverableFailure extends Exception {
        RecoverableFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private void attempt(String key, String value) throws RecoverableFailure {
        RecordMetadata md;
        try {
            producer.beginTransaction();
            Future<RecordMetadata> f = producer.send(new ProducerRecord<>(store.topic(), key, value));
            producer.commitTransaction();
            md = f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            fenced = true;
            throw new IllegalStateException("partition " + partition + " was taken over by another instance ("
                    + e.getClass().getSimpleName() + "); its notification-log write was refused", e);
        } catch (KafkaException e) {
            if (!abort()) {
                throw new RecoverableFailure("could not write notification log entry " + key + ": " + e.getMessage(), e);
            }
            throw new IllegalStateException("could not write notification log entry " + key + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort();
            throw new IllegalStateException("interrupted writing notification log entry " + key, e);
        } catch (ExecutionException | TimeoutException e) {
            if (!abort()) {
                throw new RecoverableFailure("could not write notification log entry " + key + ": " + e.getMessage(), e);
            }
            throw new IllegalStateException("could not write notification log entry " + key + ": " + e.getMessage(), e);
        }
        store.written(key, value, md.offset());
    }

    /** @return false when the producer could not abort (it is in a fatal state) */
    private boolean abort() {
        try {
            producer.abortTransaction();
            return true;
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            fenced = true;
            throw new IllegalStateException("partition " + partition + " was taken over by another instance", e);
        } catch (RuntimeException e) {
            log.debug("abort after a failed write of partition {}: {}", partition, e.getMessage());
            return false;
        }
    }

    @Override
    public void close() {
        fenced = true;
        producer.close(Duration.ofSeconds(5));
    }
}
