package dev.weir.console.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.util.Map;

/**
 * The pages' templates (src/main/jte), compiled to Java classes at build time by jte's Maven
 * plugin. Content type HTML: every {@code ${value}} is escaped for the place it is written in
 * (text, attribute), so text from logs renders as text. Thread-safe.
 */
public final class Templates {
    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    /**
     * Renders {@code name} into the response as HTML.
     *
     * @param ctx    the request
     * @param name   template path, e.g. {@code services/page.jte}
     * @param params the template's parameters by name
     */
    public void render(Context ctx, String name, Map<String, Object> params) {
        ctx.html(render(name, params));
    }

    /**
     * @param name   template path
     * @param params the template's parameters by name
     * @return the rendered HTML
     */
    public String render(String name, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        engine.render(name, params, out);
        return out.toString();
    }

    /** @return whether the request is htmx refreshing a page's live part (then only that part is rendered) */
    public static boolean live(Context ctx) {
        return "true".equals(ctx.header("HX-Request"));
    }
}
