package dev.weir.e2e.check;

import com.fasterxml.jackson.databind.JsonNode;

/** Reading ECS documents, whose fields may be written dotted ({@code "event.id"}) or nested ({@code "event": {"id"}}). */
final class Json {
    private Json() {
    }

    /** @return the text at {@code path} (dotted, nested or mixed), or {@code null} */
    static String text(JsonNode node, String path) {
        JsonNode n = at(node, path);
        return n == null || n.isNull() || n.isMissingNode() ? null : n.asText();
    }

    private static JsonNode at(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            return null;
        }
        if (node.has(path)) {
            return node.get(path);
        }
        int dot = path.indexOf('.');
        while (dot > 0) {
            JsonNode child = node.get(path.substring(0, dot));
            if (child != null) {
                JsonNode found = at(child, path.substring(dot + 1));
                if (found != null) {
                    return found;
                }
            }
            dot = path.indexOf('.', dot + 1);
        }
        return null;
    }
}
