package dev.weir.processor.rules;

/** How a rule compares its value with its threshold. */
public enum Comparison {
    GT(">"), GE(">="), LT("<"), LE("<=");

    private final String symbol;

    Comparison(String symbol) {
        this.symbol = symbol;
    }

    /** @return {@code >}, {@code >=}, {@code <} or {@code <=} */
    public String symbol() {
        return symbol;
    }

    /**
     * @param value     measured value
     * @param threshold the rule's threshold
     * @return whether {@code value <op> threshold} holds
     */
    public boolean test(double value, double threshold) {
        return switch (this) {
            case GT -> value > threshold;
            case GE -> value >= threshold;
            case LT -> value < threshold;
            case LE -> value <= threshold;
        };
    }

    static Comparison parse(String text) {
        for (Comparison c : values()) {
            if (c.symbol.equals(text)) {
                return c;
            }
        }
        return null;
    }
}
