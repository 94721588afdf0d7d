package dev.weir.sink.document;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Names of the data streams the sink writes, in ECS's {@code type-dataset-namespace} scheme:
 * <ul>
 *   <li>application logs: {@code logs-<service>-<environment>}</li>
 *   <li>security and audit logs ({@code event.category} in the configured list, or tag {@code audit}):
 *       {@code logs-<service>.security-<environment>}</li>
 *   <li>request (access) events: {@code logs-<service>.access-<environment>}</li>
 *   <li>alerts: {@value #ALERTS}; dead letters: {@value #DEADLETTER}</li>
 * </ul>
 * Service and environment are lower-cased and every character other than {@code a-z 0-9 _}
 * becomes {@code _}, so a service's name can never produce the {@code .security}/{@code .access}
 * suffix nor the {@code -} that separates the parts; without an environment the default
 * namespace is used. Thread-safe.
 */
public final class DataStreams {
    /** The alert history data stream. */
    public static final String ALERTS = "weir-alerts";
    /** The rejected-input data stream. */
    public static final String DEADLETTER = "weir-deadletter";

    private static final int MAX_PART = 80;

    private final String defaultNamespace;
    private final List<String> securityCategories;

    /**
     * @param defaultNamespace   namespace for events without environment
     * @param securityCategories event categories (case-insensitive) routed to the security stream
     */
    public DataStreams(String defaultNamespace, List<String> securityCategories) {
        this.defaultNamespace = Objects.requireNonNull(defaultNamespace, "defaultNamespace");
        this.securityCategories = securityCategories.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }

    /** @return the dataset of an application or security log of {@code service} */
    public String logDataset(String service, String eventCategory, List<String> tags) {
        String base = sanitize(service, "unknown");
        boolean security = (eventCategory != null && securityCategories.contains(eventCategory.toLowerCase(Locale.ROOT)))
                || tags.stream().anyMatch(t -> t.equalsIgnoreCase("audit"));
        return security ? base + ".security" : base;
    }

    /** @return the dataset of request events of {@code service} */
    public String accessDataset(String service) {
        return sanitize(service, "unknown") + ".access";
    }

    /** @return the namespace for {@code environment} (may be {@code null}) */
    public String namespace(String environment) {
        return environment == null || environment.isBlank() ? defaultNamespace : sanitize(environment, defaultNamespace);
    }

    /** @return {@code logs-<dataset>-<namespace>} */
    public static String logs(String dataset, String namespace) {
        return "logs-" + dataset + "-" + namespace;
    }

    static String sanitize(String s, String fallback) {
        if (s == null || s.isBlank()) {
            return fallback;
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_PART));
        String lower = s.toLowerCase(Locale.ROOT);
        for (int i = 0; i < lower.length() && b.length() < MAX_PART; i++) {
            char c = lower.charAt(i);
            b.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
        }
        return b.toString();
    }
}
