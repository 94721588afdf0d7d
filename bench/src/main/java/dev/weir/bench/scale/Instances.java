package dev.weir.bench.scale;

import dev.weir.processor.ProcessorApp;
import dev.weir.processor.bench.ProcessorThroughputBenchmark;
import dev.weir.processor.config.ProcessorConfig;
import dev.weir.stack.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code count} {@link ProcessorApp}s of one application id in this JVM, each with its own state
 * directory and HTTP port, started at the same time. Not thread-safe.
 */
final class Instances implements AutoCloseable {
    private final List<ProcessorApp> apps = new ArrayList<>();
    private final long firstRunningNanos;

    /**
     * Starts the instances concurrently and returns once each is RUNNING.
     *
     * @param base     configuration shared by the instances (bootstrap, application id, guarantee, measures)
     * @param count    instances
     * @param stateDir parent of the instances' state directories ({@code instance-<i>})
     * @throws Exception when one does not start; those started are closed again
     */
    Instances(ProcessorConfig base, int count, Path stateDir) throws Exception {
        int[] ports = freePorts(count);
        for (int i = 0; i < count; i++) {
            apps.add(new ProcessorApp(base.withHttpPort(ports[i]).withStateDir(stateDir(stateDir, i)), Clock.systemUTC()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            List<Future<Long>> started = new ArrayList<>();
            for (ProcessorApp app : apps) {
                started.add(pool.submit(() -> {
                    app.start();
                    return System.nanoTime();
                }));
            }
            long first = Long.MAX_VALUE;
            for (Future<Long> f : started) {
                first = Math.min(first, f.get());
            }
            firstRunningNanos = first;
        } catch (ExecutionException e) {
            close();
            throw e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            pool.shutdown();
        }
    }

    /**
     * @param parent the directory given to the constructor
     * @param i      instance number, from 0
     * @return the Kafka Streams {@code state.dir} of instance {@code i}
     */
    static Path stateDir(Path parent, int i) {
        return parent.resolve("instance-" + i);
    }

    /** @return {@link System#nanoTime()} when the first instance reported RUNNING */
    long firstRunningNanos() {
        return firstRunningNanos;
    }

    /** @return the instances */
    List<ProcessorApp> apps() {
        return apps;
    }

    /** @return events the instances together have finished with (measured or dead-lettered) */
    double measured() {
        return apps.stream().mapToDouble(ProcessorThroughputBenchmark::measuredEvents).sum();
    }

    /**
     * Waits until the instances together have finished with {@code total} events.
     *
     * @param total   events to wait for
     * @param timeout how long at most
     * @return {@link System#nanoTime()} when it was seen (within 20 ms)
     * @throws IllegalStateException when they did not within {@code timeout}
     */
    long awaitMeasured(long total, Duration timeout) {
        Poll.until(timeout, Duration.ofMillis(20), () -> measured() >= total,
                () -> "the processor to measure " + total + " events (has " + (long) measured() + ")");
        return System.nanoTime();
    }

    /** @return each instance's share of the events finished with so far, in start order */
    List<Double> shares() {
        double all = measured();
        return apps.stream().map(a -> all == 0 ? 0 : ProcessorThroughputBenchmark.measuredEvents(a) / all).toList();
    }

    @Override
    public void close() {
        apps.forEach(ProcessorApp::close);
    }

    /** Ports that were free a moment ago, distinct from each other. */
    private static int[] freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find free ports for the processors' HTTP servers", e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    s.close();
                } catch (IOException e) {
                    // the port is released anyway when the socket is collected
                }
            }
        }
    }
}
