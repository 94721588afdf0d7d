package dev.weir.bench.cpu;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** CPU time of this JVM and of processes it started, in seconds. */
public final class Cpu {
    private Cpu() {
    }

    /** @return CPU seconds this JVM has used so far (all threads, user + system) */
    public static double jvmSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    /**
     * @param process a running process
     * @return the CPU seconds it has used so far, or NaN when the OS does not tell (e.g. it exited)
     */
    public static double seconds(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).map(n -> n / 1e9).orElse(Double.NaN);
    }

    /** @return the pids of this JVM's direct children now */
    public static Set<Long> childPids() {
        return ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    /**
     * @param before pids from {@link #childPids()} before starting something
     * @return this JVM's children that were not there before
     */
    public static List<ProcessHandle> childrenSince(Set<Long> before) {
        return ProcessHandle.current().children().filter(p -> !before.contains(p.pid())).toList();
    }

    /** @return the machine's system load average over the last minute, or -1 when unknown */
    public static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
