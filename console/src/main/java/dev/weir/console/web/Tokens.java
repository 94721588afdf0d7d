package dev.weir.console.web;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;

/**
 * The user's bearer token for Weir's APIs ({@code http.token}), kept in the browser as an
 * HTTP-only, same-site cookie and sent on by the console with every API call it makes for that
 * user. The console itself stores no token.
 */
public final class Tokens {
    /** The cookie's name. */
    public static final String COOKIE = "weir_token";

    private Tokens() {
    }

    /** @return the request's token, or null */
    public static String of(Context ctx) {
        String t = ctx.cookie(COOKIE);
        return t == null || t.isBlank() ? null : t;
    }

    /** Keeps {@code token} in the browser for a day (or removes it when blank). */
    public static void set(Context ctx, String token) {
        boolean clear = token == null || token.isBlank();
        ctx.cookie(new Cookie(COOKIE, clear ? "" : token.strip(), "/", clear ? 0 : 86400, false, 0, true, null, null,
                SameSite.STRICT));
    }

    /**
     * @param next where to go after entering the token, from the request
     * @return {@code next} when it is a path on this console, else {@code /}; never another site
     */
    public static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.contains("\\")) {
            return "/";
        }
        return next;
    }
}
