package dev.weir.logback;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.util.Duration;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.logstash.logback.encoder.LogstashEncoder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Ships a service's log events to Weir's raw log topic ({@code weir.raw.logs}) as
 * logstash-logback-encoder JSON, keyed by the service name, without ever blocking the logging
 * thread.
 *
 * <p>The logging thread only encodes the event and {@link BlockingQueue#offer offers} the bytes to
 * a bounded queue ({@code queueSize} events). A daemon sender thread adds {@code service.name},
 * {@code service.environment}, {@code host.name} and a unique {@code event.id} where the event
 * has none, and hands it to an idempotent {@code acks=all} {@link KafkaProducer}. An event that
 * finds the queue full, that the producer does not accept (its buffer stays full or the topic's
 * metadata stays unknown beyond {@code max.block.ms}) or that Kafka does not acknowledge within
 * {@code delivery.timeout.ms} is dropped and counted ({@link #getDroppedCount()}); a WARN status
 * says so at most once a minute. Events of {@code org.apache.kafka} loggers are never appended,
 * since shipping the producer's own logs would feed back into it.
 *
 * <p>The producer is created on the sender thread at its first event, not in {@link #start()}:
 * logback starts appenders while SLF4J is still initialising, and the producer logs while it is
 * constructed. {@link #stop()} sends what is queued and waits for acknowledgements up to
 * {@code stopTimeout}; what is left then is dropped and counted.
 *
 * <p>Thread-safe: {@link #doAppend} may be called from any number of threads. Setters are for
 * configuration before {@link #start()}.
 */
public final class WeirKafkaAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    /** Default topic, the one Weir's stream-processor reads log events from. */
    public static final String DEFAULT_TOPIC = "weir.raw.logs";
    /** Default bound of the queue between logging threads and the sender thread, in events. */
    public static final int DEFAULT_QUEUE_SIZE = 8192;
    /** Default time {@link #stop()} waits for queued events to be acknowledged. */
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.buildBySeconds(10);

    private static final String KAFKA_LOGGERS = "org.apache.kafka";
    private static final long WARN_INTERVAL_MILLIS = 60_000;
    private static final long PRODUCER_RETRY_MILLIS = 10_000;
    private static final int SEND_BATCH = 512;

    private final Clock clock;

    private Encoder<ILoggingEvent> encoder;
    private String bootstrapServers;
    private String topic = DEFAULT_TOPIC;
    private String serviceName;
    private String environment;
    private String hostName;
    private int queueSize = DEFAULT_QUEUE_SIZE;
    private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
    private final Map<String, String> producerConfig = new LinkedHashMap<>();
    // the same settings as the kafka: block of Weir's components
    private String securityProtocol;
    private String saslMechanism;
    private String saslUsername;
    private String saslPassword;
    private String sslCa;
    private String sslCertificate;
    private String sslKey;

    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong nextWarnMillis = new AtomicLong();
    private final AtomicLong droppedAtLastWarn = new AtomicLong();
    private volatile String lastDropReason;

    private BlockingQueue<byte[]> queue;
    private Thread sender;
    private volatile boolean stopping;
    private volatile long stopDeadlineMillis;
    // owned by the sender thread
    private Producer<byte[], byte[]> producer;
    private long nextProducerAttemptMillis;
    private EventEnricher enricher;
    private byte[] key;
    private String idPrefix;
    private long sequence;

    /** The appender as logback's configurator creates it. */
    public WeirKafkaAppender() {
        this(Clock.systemUTC());
    }

    /** @param clock for the once-a-minute drop warning and the stop deadline */
    WeirKafkaAppender(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void start() {
        if (isStarted()) {
            return;
        }
        if (!valid()) {
            return;
        }
        if (encoder == null) {
            LogstashEncoder logstash = new LogstashEncoder();
            logstash.setContext(getContext());
            encoder = logstash;
        }
        if (!encoder.isStarted()) {
            encoder.start();
        }
        String host = hostName != null ? hostName : localHostName();
        enricher = new EventEnricher(serviceName, environment, host);
        key = serviceName.getBytes(StandardCharsets.UTF_8);
        idPrefix = "l-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16) + "-";
        queue = new ArrayBlockingQueue<>(queueSize);
        stopping = false;
        sender = new Thread(this::sendLoop, "weir-logback-sender-" + getName());
        sender.setDaemon(true);
        sender.start();
        super.start();
    }

    private boolean valid() {
        String self = "Appender [" + getName() + "] (" + getClass().getSimpleName() + ")";
        List<String> errors = new ArrayList<>();
        if (isBlank(bootstrapServers)) {
            errors.add("Invalid value '" + bootstrapServers + "' for bootstrapServers: set <bootstrapServers>host:9092</bootstrapServers>.");
        }
        if (isBlank(serviceName)) {
            errors.add("Invalid value '" + serviceName + "' for serviceName: set <serviceName> to the name of this service; it is the record key and service.name.");
        }
        if (isBlank(topic)) {
            errors.add("Invalid value '" + topic + "' for topic: it must not be empty (default " + DEFAULT_TOPIC + ").");
        }
        if (queueSize < 1) {
            errors.add("Invalid value " + queueSize + " for queueSize: it must be at least 1 (default " + DEFAULT_QUEUE_SIZE + ").");
        }
        if (stopTimeout == null || stopTimeout.getMilliseconds() < 0) {
            errors.add("Invalid value " + stopTimeout + " for stopTimeout: it must be a duration of 0 or more (default " + DEFAULT_STOP_TIMEOUT + ").");
        }
        errors.addAll(securityErrors());
        for (String error : errors) {
            addError(self + ": " + error + " The appender is not started.");
        }
        return errors.isEmpty();
    }

    private List<String> securityErrors() {
        List<String> errors = new ArrayList<>();
        String protocol = protocol();
        if (!List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL").contains(protocol)) {
            errors.add("Invalid value '" + securityProtocol + "' for securityProtocol: use PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.");
        }
        boolean sasl = protocol.startsWith("SASL_");
        if (sasl && (isBlank(saslUsername) || isBlank(saslPassword))) {
            errors.add("Missing saslUsername or saslPassword: securityProtocol " + protocol + " needs both.");
        }
        if (sasl && !List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512").contains(String.valueOf(saslMechanism))) {
            errors.add("Invalid value '" + saslMechanism + "' for saslMechanism: use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.");
        }
        if (!sasl && (!isBlank(saslUsername) || !isBlank(saslPassword))) {
            errors.add("Invalid value '" + protocol + "' for securityProtocol: saslUsername is set; use SASL_SSL.");
        }
        if (isBlank(sslCertificate) != isBlank(sslKey)) {
            errors.add("Set both sslCertificate and sslKey (mutual TLS), or neither.");
        }
        for (String[] file : List.of(new String[] {"sslCa", sslCa}, new String[] {"sslCertificate", sslCertificate},
                new String[] {"sslKey", sslKey})) {
            if (!isBlank(file[1]) && !java.nio.file.Files.isReadable(java.nio.file.Path.of(file[1]))) {
                errors.add("Invalid value '" + file[1] + "' for " + file[0] + ": no readable file.");
            }
        }
        return errors;
    }

    private String protocol() {
        if (!isBlank(securityProtocol)) {
            return securityProtocol.trim().toUpperCase(java.util.Locale.ROOT);
        }
        return !isBlank(saslUsername) ? "SASL_SSL" : !isBlank(sslCa) || !isBlank(sslCertificate) ? "SSL" : "PLAINTEXT";
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    private static String localHostName() {
        String env = System.getenv("HOSTNAME");
        if (!isBlank(env)) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    @Override
    protected void append(ILoggingEvent event) {
        // The producer logs through org.apache.kafka loggers (also on its own threads) and the
        // sender thread must never wait on its own queue: both would feed back into this appender.
        String logger = event.getLoggerName();
        if ((logger != null && logger.startsWith(KAFKA_LOGGERS)) || Thread.currentThread() == sender) {
            return;
        }
        byte[] encoded;
        try {
            encoded = encoder.encode(event);
        } catch (RuntimeException e) {
            drop("the encoder failed: " + e);
            return;
        }
        if (!queue.offer(encoded)) {
            drop("the queue of " + queueSize + " events was full");
        }
    }

    private void sendLoop() {
        List<byte[]> batch = new ArrayList<>(SEND_BATCH);
        try {
            while (!stopping || !queue.isEmpty()) {
                byte[] first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, SEND_BATCH - 1);
                for (int i = 0; i < batch.size(); i++) {
                    if (Thread.currentThread().isInterrupted()) {
                        dropped(batch.size() - i, "stopTimeout ran out before they were sent");
                        break;
                    }
                    send(batch.get(i));
                }
                batch.clear();
            }
        } catch (InterruptedException e) {
            // stop() ran out of time; what is left is counted below
        } finally {
            if (producer != null) {
                long remaining = Math.max(0, stopDeadlineMillis - clock.millis());
                // close() waits for acknowledgements; on timeout (or interrupt) it fails what is left, which the callbacks count
                producer.close(java.time.Duration.ofMillis(Thread.interrupted() ? 0 : remaining));
                producer = null;
            }
        }
    }

    private void send(byte[] encoded) {
        Producer<byte[], byte[]> p = producer();
        if (p == null) {
            drop("the Kafka producer could not be created (see the error status)");
            return;
        }
        byte[] value = enricher.enrich(encoded, idPrefix + (++sequence));
        try {
            p.send(new ProducerRecord<>(topic, key, value), (metadata, e) -> {
                if (e == null) {
                    sent.incrementAndGet();
                } else {
                    drop("Kafka did not acknowledge it: " + e);
                }
            });
        } catch (RuntimeException e) {
            // Metadata unknown or the producer's buffer full beyond max.block.ms, the producer closed, or interrupted by stop().
            drop("the Kafka producer did not accept it: " + e);
            if (e instanceof org.apache.kafka.common.errors.InterruptException) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Producer<byte[], byte[]> producer() {
        if (producer == null && clock.millis() >= nextProducerAttemptMillis) {
            try {
                producer = new KafkaProducer<>(producerProperties(), new ByteArraySerializer(), new ByteArraySerializer());
            } catch (RuntimeException e) {
                nextProducerAttemptMillis = clock.millis() + PRODUCER_RETRY_MILLIS;
                addError("Appender [" + getName() + "] could not create its Kafka producer for " + bootstrapServers
                        + "; events are dropped until it can (next attempt in 10 s). Check bootstrapServers and producerConfig.", e);
            }
        }
        return producer;
    }

    /** @return the producer settings: the appender's defaults, then the {@code producerConfig} entries */
    Map<String, Object> producerProperties() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "weir-logback-" + serviceName);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        props.put("security.protocol", protocol());
        if (protocol().startsWith("SASL_")) {
            String module = "PLAIN".equals(saslMechanism) ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            props.put("sasl.mechanism", saslMechanism);
            props.put("sasl.jaas.config", module + " required username=\"" + jaas(saslUsername) + "\" password=\""
                    + jaas(saslPassword) + "\";");
        }
        if (!isBlank(sslCa)) {
            props.put("ssl.truststore.type", "PEM");
            props.put("ssl.truststore.location", sslCa);
        }
        if (!isBlank(sslCertificate)) {
            try {
                props.put("ssl.keystore.type", "PEM");
                props.put("ssl.keystore.certificate.chain", java.nio.file.Files.readString(java.nio.file.Path.of(sslCertificate)));
                props.put("ssl.keystore.key", java.nio.file.Files.readString(java.nio.file.Path.of(sslKey)));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("Cannot read sslCertificate or sslKey: " + e.getMessage(), e);
            }
        }
        props.putAll(producerConfig);
        return props;
    }

    private static String jaas(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private void drop(String reason) {
        dropped(1, reason);
    }

    private void dropped(long count, String reason) {
        long total = dropped.addAndGet(count);
        lastDropReason = reason;
        long now = clock.millis();
        long next = nextWarnMillis.get();
        if (now >= next && nextWarnMillis.compareAndSet(next, now + WARN_INTERVAL_MILLIS)) {
            long since = total - droppedAtLastWarn.getAndSet(total);
            // A status, never a log event: logging here would come back into this appender.
            addWarn("Appender [" + getName() + "] dropped " + since + " log events since its last warning (" + total
                    + " in total) because " + lastDropReason + ". Check that Kafka at " + bootstrapServers
                    + " is reachable, or raise queueSize.");
        }
    }

    /**
     * Stops taking events, sends what is queued and waits for its acknowledgements up to
     * {@code stopTimeout}; events still unsent or unacknowledged then are dropped and counted.
     */
    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        stopDeadlineMillis = clock.millis() + stopTimeout.getMilliseconds();
        stopping = true;
        try {
            sender.join(Math.max(1, stopTimeout.getMilliseconds()));
            if (sender.isAlive()) {
                sender.interrupt();
                sender.join(PRODUCER_RETRY_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<byte[]> left = new ArrayList<>();
        queue.drainTo(left);
        if (!left.isEmpty()) {
            dropped(left.size(), "they were still queued when the appender stopped");
        }
        if (encoder.isStarted()) {
            encoder.stop();
        }
    }

    /** @return events dropped since start: queue full, not accepted or not acknowledged by Kafka, or left at stop */
    public long getDroppedCount() {
        return dropped.get();
    }

    /** @return events Kafka acknowledged since start */
    public long getSentCount() {
        return sent.get();
    }

    /** @param encoder turns an event into one JSON object; default a {@link LogstashEncoder} */
    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    public Encoder<ILoggingEvent> getEncoder() {
        return encoder;
    }

    /** @param bootstrapServers Kafka bootstrap servers, e.g. {@code kafka-1:9092,kafka-2:9092}; required */
    public void setBootstrapServers(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** @param topic topic of the events; default {@value #DEFAULT_TOPIC} */
    public void setTopic(String topic) {
        this.topic = topic;
    }

    /** @param serviceName {@code service.name} of events that carry none, and the record key; required */
    public void setServiceName(String serviceName) {
        this.serviceName = serviceName;
    }

    /** @param environment {@code service.environment} added when absent; none by default */
    public void setEnvironment(String environment) {
        this.environment = environment;
    }

    /** @param hostName {@code host.name} added when absent; default {@code $HOSTNAME} or the machine's name */
    public void setHostName(String hostName) {
        this.hostName = hostName;
    }

    /** @param queueSize bound of the queue in events; default {@value #DEFAULT_QUEUE_SIZE} */
    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    public int getQueueSize() {
        return queueSize;
    }

    /** @param stopTimeout how long {@link #stop()} waits for queued events; default 10 seconds */
    public void setStopTimeout(Duration stopTimeout) {
        this.stopTimeout = stopTimeout;
    }

    /** @param securityProtocol {@code PLAINTEXT}, {@code SSL}, {@code SASL_PLAINTEXT} or {@code SASL_SSL}; default from the other settings */
    public void setSecurityProtocol(String securityProtocol) {
        this.securityProtocol = securityProtocol;
    }

    /** @param saslMechanism {@code PLAIN}, {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512} */
    public void setSaslMechanism(String saslMechanism) {
        this.saslMechanism = saslMechanism;
    }

    /** @param saslUsername the SASL user */
    public void setSaslUsername(String saslUsername) {
        this.saslUsername = saslUsername;
    }

    /** @param saslPassword the SASL password; never shown in statuses */
    public void setSaslPassword(String saslPassword) {
        this.saslPassword = saslPassword;
    }

    /** @param sslCa PEM file of the CA that signed the brokers' certificates */
    public void setSslCa(String sslCa) {
        this.sslCa = sslCa;
    }

    /** @param sslCertificate PEM certificate for mutual TLS */
    public void setSslCertificate(String sslCertificate) {
        this.sslCertificate = sslCertificate;
    }

    /** @param sslKey PEM private key (PKCS#8, unencrypted) of {@code sslCertificate} */
    public void setSslKey(String sslKey) {
        this.sslKey = sslKey;
    }

    /**
     * Adds one producer setting, overriding the appender's defaults; called once per
     * {@code <producerConfig>} element.
     *
     * @param keyValue {@code name=value}, e.g. {@code linger.ms=50}
     * @throws IllegalArgumentException when there is no {@code =}
     */
    public void addProducerConfig(String keyValue) {
        int eq = keyValue == null ? -1 : keyValue.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("Invalid value '" + keyValue + "' for producerConfig: write name=value, e.g. linger.ms=50.");
        }
        producerConfig.put(keyValue.substring(0, eq).trim(), keyValue.substring(eq + 1).trim());
    }
}
