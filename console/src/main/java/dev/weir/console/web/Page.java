package dev.weir.console.web;

import java.util.List;

/**
 * What the layout needs around a page's content.
 *
 * @param title       the page's title
 * @param nav         the navigation entry to highlight: services, alerts, logs, security, pipeline
 * @param liveUrl     the URL the live part is refreshed from (htmx), or null for a page without one
 * @param refreshSeconds how often the live part refreshes
 * @param problems    sentences about APIs that did not answer, shown above the content
 * @param asOf        when the data was read, shown in the header
 */
public record Page(String title, String nav, String liveUrl, long refreshSeconds, List<String> problems, String asOf) {
}
