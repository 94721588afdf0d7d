package dev.weir.processor.route;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Route handling settings.
 *
 * @param maxPerService distinct routes kept per service (per input partition); later new routes become
 *                      {@value RouteCardinality#OVERFLOW}
 * @param loginRoutes   {@code METHOD /route} pairs (templated route, e.g. {@code POST /login}) whose
 *                      requests are login attempts
 */
public record RouteSettings(int maxPerService, Set<String> loginRoutes) {

    /** 500 routes per service; {@code POST /login} is the login route. */
    public static final RouteSettings DEFAULTS = new RouteSettings(500, Set.of("POST /login"));

    public RouteSettings {
        if (maxPerService < 1) {
            throw new IllegalArgumentException("Invalid value " + maxPerService + " for maxPerService: must be at least 1");
        }
        loginRoutes = loginRoutes.stream().map(RouteSettings::normalise).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * @param method request method
     * @param route  templated route
     * @return whether the pair is a configured login route
     */
    public boolean isLogin(String method, String route) {
        return loginRoutes.contains(method.toUpperCase(Locale.ROOT) + " " + route);
    }

    /** Parses {@code "post  /login"} into {@code "POST /login"}. */
    private static String normalise(String entry) {
        String[] parts = entry.trim().split("\\s+");
        if (parts.length != 2 || !parts[1].startsWith("/")) {
            throw new IllegalArgumentException("Invalid login route '" + entry + "': write it as METHOD /path, e.g. POST /login");
        }
        return parts[0].toUpperCase(Locale.ROOT) + " " + parts[1];
    }

    /** @return the login routes as configured, sorted */
    public List<String> sortedLoginRoutes() {
        return loginRoutes.stream().sorted().toList();
    }
}
