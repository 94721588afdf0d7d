package dev.weir.e2e.secrets;

/**
 * One planted secret.
 *
 * @param kind   the built-in redaction rule that must catch it ({@code dev.weir.common.redact.BuiltInRules})
 * @param value  the text planted, e.g. {@code password=Xy…} or {@code https://svc:Xy…@db.internal/orders}
 * @param needle the secret itself, a run of letters and digits unique to this plant and bounded by other
 *               characters in {@code value}: found in any text where the secret survived
 */
public record Planted(String kind, String value, String needle) {
}
