package dev.weir.emitter.template;

/**
 * A value whose fields a template reads with {@code .Name}, like a Go struct. Implementations
 * throw {@link TemplateException} for a field they do not have, as Go's text/template does.
 */
public interface TemplateObject {
    /**
     * @param name the field or method name, e.g. {@code Status}
     * @return the value, a {@link TemplateMethod} for methods, or {@code null} for a nil value
     * @throws TemplateException when there is no such field
     */
    Object field(String name);
}
