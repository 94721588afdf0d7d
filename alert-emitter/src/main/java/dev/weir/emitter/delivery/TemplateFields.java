package dev.weir.emitter.delivery;

import dev.weir.common.config.ConfigException;
import dev.weir.emitter.template.NotificationData;
import dev.weir.emitter.template.TemplateException;
import dev.weir.emitter.template.Templates;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The compiled template fields of one integration. Each field is compiled and tried once on a
 * sample notification when the integration is built, so an unsupported construct or an unknown
 * field stops startup with a message naming the receiver, the field and the construct.
 */
final class TemplateFields {
    private final Templates templates;
    private final String where;
    private final Map<String, Templates.Compiled> fields = new LinkedHashMap<>();

    /**
     * @param templates the shared template set
     * @param where e.g. {@code receiver 'slack-alerts' slack_configs[0]}
     */
    TemplateFields(Templates templates, String where) {
        this.templates = templates;
        this.where = where;
    }

    /** Compiles and tries {@code text} as field {@code name}. */
    TemplateFields add(String name, String text) {
        try {
            Templates.Compiled c = templates.compile(text == null ? "" : text);
            templates.render(c, NotificationData.sample("sample"));
            fields.put(name, c);
        } catch (TemplateException e) {
            throw new ConfigException("Invalid template in " + where + "." + name + ": " + e.getMessage());
        }
        return this;
    }

    /** Renders field {@code name}; a failure at run time renders the error text instead of dropping the page. */
    String render(String name, NotificationData data) {
        return render(name, data, false);
    }

    /** Renders field {@code name} as HTML text (what actions print is escaped). */
    String renderHtml(String name, NotificationData data) {
        return render(name, data, true);
    }

    private String render(String name, NotificationData data, boolean html) {
        Templates.Compiled c = fields.get(name);
        if (c == null) {
            return "";
        }
        try {
            return html ? templates.renderHtml(c, data) : templates.render(c, data);
        } catch (TemplateException e) {
            return "(template error in " + name + ": " + e.getMessage() + ")";
        }
    }
}
