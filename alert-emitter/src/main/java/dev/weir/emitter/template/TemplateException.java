package dev.weir.emitter.template;

/**
 * A template that cannot be parsed (an unsupported construct, a syntax error) or that failed
 * while rendering (an unknown field). The message names the construct and, when known, the
 * position in the template text.
 */
public final class TemplateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TemplateException(String message) {
        super(message);
    }
}
