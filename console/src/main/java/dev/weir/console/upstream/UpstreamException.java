package dev.weir.console.upstream;

/** An API the console reads did not answer, or answered with an error; the message says which and what to do. */
public final class UpstreamException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    /**
     * @param message a sentence naming the API, the request and the problem
     * @param status  the HTTP status answered, or 0 when none was
     */
    public UpstreamException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** @return the HTTP status answered, 0 when the API did not answer */
    public int status() {
        return status;
    }
}
