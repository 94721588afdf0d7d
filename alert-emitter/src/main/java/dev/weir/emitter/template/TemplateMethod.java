package dev.weir.emitter.template;

import java.util.List;

/** A method of a {@link TemplateObject} such as {@code .Labels.Remove} or {@code .Alerts.Firing}. */
@FunctionalInterface
public interface TemplateMethod {
    /**
     * @param args the evaluated arguments (none for {@code .Alerts.Firing})
     * @return the result
     */
    Object call(List<Object> args);
}
