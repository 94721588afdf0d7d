package dev.weir.console.upstream;

/**
 * An API answered 401: it is protected by a bearer token ({@code http.token}) and the user's
 * request carried none, or a wrong one. The console then asks for the token.
 */
public final class TokenRequiredException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String api;

    /** @param api the API's name, e.g. {@code processor} */
    public TokenRequiredException(String api) {
        super("The " + api + " API asks for a bearer token; enter it on the console's token page.");
        this.api = api;
    }

    /** @return the API's name */
    public String api() {
        return api;
    }
}
