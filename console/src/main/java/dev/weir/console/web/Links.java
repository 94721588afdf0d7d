package dev.weir.console.web;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Links built from untrusted values: query parameters encoded, foreign URLs only when http(s). */
public final class Links {
    private Links() {
    }

    /** @return {@code value} encoded for a query string or path segment ({@code %20} for spaces) */
    public static String encode(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * @param url a URL from an alert's annotations or labels
     * @return the URL when it is an absolute http or https URL, else null (a {@code javascript:} or
     *         {@code data:} URL never becomes a link)
     */
    public static String external(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        try {
            URI u = URI.create(url.trim());
            String scheme = u.getScheme();
            if (scheme != null && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https")) && u.getHost() != null) {
                return u.toString();
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    /** @return {@code path?k=v&...} with the non-empty parameters, in order, encoded */
    public static String to(String path, String... keyValues) {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null && !keyValues[i + 1].isEmpty()) {
                params.put(keyValues[i], keyValues[i + 1]);
            }
        }
        StringBuilder b = new StringBuilder(path);
        char sep = path.contains("?") ? '&' : '?';
        for (Map.Entry<String, String> e : params.entrySet()) {
            b.append(sep).append(encode(e.getKey())).append('=').append(encode(e.getValue()));
            sep = '&';
        }
        return b.toString();
    }

    /** @return the console's page of one service */
    public static String service(String service) {
        return "/services/" + encode(service);
    }
}
