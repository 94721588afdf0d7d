package dev.weir.cli.demo;

import java.time.Duration;
import picocli.CommandLine.Option;

/** The demo traffic options {@code weir demo} and {@code weir up} share (a picocli mixin). */
public final class DemoOptions {
    @Option(names = "--rate", defaultValue = "50", description = "Demo ticks per second, about six events each (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--cycle", defaultValue = "PT2M", description = "Demo cycle: steady, error spike, latency regression, login burst (default ${DEFAULT-VALUE}).")
    Duration cycle;

    @Option(names = "--duration", defaultValue = "PT0S", description = "Stop by itself after this long, ISO-8601; PT0S runs until Ctrl-C.")
    Duration duration;

    /** @return ticks per second */
    public int rate() {
        return rate;
    }

    /** @return one steady → incidents cycle */
    public Duration cycle() {
        return cycle;
    }

    /** @return how long to run; zero for until stopped */
    public Duration duration() {
        return duration;
    }

    /**
     * Checks the options before anything starts.
     *
     * @throws IllegalArgumentException naming the option and its limit
     */
    public void validate() {
        if (rate < 1 || rate > 100_000) {
            throw new IllegalArgumentException("Invalid value " + rate + " for --rate: must be between 1 and 100000");
        }
        if (cycle.toSeconds() < 4) {
            throw new IllegalArgumentException("Invalid value " + cycle + " for --cycle: must be at least PT4S");
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("Invalid value " + duration + " for --duration: must not be negative");
        }
    }
}
