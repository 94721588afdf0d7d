package dev.weir.console.services;

import dev.weir.console.web.Sparkline;

/**
 * One line of the Services table.
 *
 * @param name     the service
 * @param health   its colour
 * @param m1       last minute (the current, partial one)
 * @param m5       last 5 minutes
 * @param h1       last hour
 * @param spark    requests per minute over the last hour, with the error ratio
 * @param firing   its firing alerts
 */
public record ServiceRow(String name, Health health, View m1, View m5, View h1, Sparkline spark, int firing) {
}
