package dev.weir.emitter.template;

import java.util.AbstractList;
import java.util.List;

/** {@code .Alerts}: a list that also has the methods {@code Firing} and {@code Resolved}. */
public final class AlertList extends AbstractList<AlertData> implements TemplateObject {
    private final List<AlertData> alerts;

    public AlertList(List<AlertData> alerts) {
        this.alerts = List.copyOf(alerts);
    }

    @Override
    public AlertData get(int index) {
        return alerts.get(index);
    }

    @Override
    public int size() {
        return alerts.size();
    }

    public AlertList firing() {
        return new AlertList(alerts.stream().filter(a -> !a.resolved()).toList());
    }

    public AlertList resolved() {
        return new AlertList(alerts.stream().filter(AlertData::resolved).toList());
    }

    @Override
    public Object field(String name) {
        return switch (name) {
            case "Firing" -> (TemplateMethod) args -> firing();
            case "Resolved" -> (TemplateMethod) args -> resolved();
            default -> throw new TemplateException("can't evaluate field " + name + " in type template.Alerts");
        };
    }
}
