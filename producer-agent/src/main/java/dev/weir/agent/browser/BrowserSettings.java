package dev.weir.agent.browser;

import dev.weir.common.config.ConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The browser beacon endpoint ({@code agent.http.browser}).
 *
 * @param origins      the origins whose pages may send beacons ({@code https://shop.example.com}); none: every browser
 *                     is refused
 * @param maxBodyBytes larger beacons are answered 413
 * @param perMinute    beacons one client address may send per minute (a burst of as many, then at that pace); more
 *                     are answered 429 with {@code Retry-After}
 * @param service      the service of beacons that name none ({@code data-service} on the snippet's tag names one), or
 *                     null for the agent's {@code service-name}
 */
public record BrowserSettings(List<String> origins, long maxBodyBytes, int perMinute, String service) {
    /** A service name a beacon may give: letters, digits, {@code . _ -}, at most 64. */
    public static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public BrowserSettings {
        origins = List.copyOf(Objects.requireNonNull(origins, "origins"));
    }

    /** @return no origins (beacons refused), 64 KiB beacons, 120 per minute per client */
    public static BrowserSettings defaults() {
        return new BrowserSettings(List.of(), 64 * 1024, 120, null);
    }

    /** @return a copy that accepts beacons from {@code newOrigins} */
    public BrowserSettings withOrigins(List<String> newOrigins) {
        return new BrowserSettings(newOrigins, maxBodyBytes, perMinute, service);
    }

    /** @return a copy with another rate limit */
    public BrowserSettings withPerMinute(int newPerMinute) {
        return new BrowserSettings(origins, maxBodyBytes, newPerMinute, service);
    }

    /**
     * @param key   the configuration key, for the message ({@code agent.http.browser.origins[0]})
     * @param value an origin as configured
     * @return the origin as browsers send it in {@code Origin} (scheme and host lower-case, default port dropped)
     * @throws ConfigException when it is not an origin: a scheme http or https, a host, an optional port, no path
     */
    public static String origin(String key, String value) {
        String reason = "must be an origin such as https://shop.example.com or http://localhost:3000 (http or https, a host, an"
                + " optional port, no path)";
        URI uri;
        try {
            uri = new URI(value.trim());
        } catch (URISyntaxException e) {
            throw ConfigException.invalid(key, value, reason);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawQuery() != null
                || uri.getRawFragment() != null || uri.getRawUserInfo() != null
                || !(uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))) {
            throw ConfigException.invalid(key, value, reason);
        }
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }
}
