package dev.weir.common.humanize;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Go's {@code %g} ({@code strconv.FormatFloat(v, 'g', precision, 64)}), the format behind Prometheus' and
 * Alertmanager's template functions: rounded half-even on the double's exact value (so {@code 1.2345} gives
 * {@code 1.234}, as in Go, where Java's {@code %.4g} gives {@code 1.235}), trailing zeros dropped, and the exponent
 * form for very large or small values ({@code 1e+06}, {@code 1.5e-07}).
 */
public final class GoFloat {
    private GoFloat() {
    }

    /**
     * @param v         the value
     * @param precision significant digits, or a negative number for the shortest text that reads back as {@code v}
     * @return e.g. {@code 1.235} for (1.23456, 4), {@code +Inf}, {@code NaN}
     */
    public static String format(double v, int precision) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return (1 / v) < 0 ? "-0" : "0";
        }
        BigDecimal d = precision < 0 ? new BigDecimal(Double.toString(v))
                : new BigDecimal(v).round(new MathContext(precision, RoundingMode.HALF_EVEN));
        d = d.stripTrailingZeros();
        int exp = d.precision() - d.scale() - 1;
        int eprec = precision < 0 ? Math.max(d.precision(), 21) : precision;
        if (exp < -4 || exp >= eprec) {
            String mantissa = d.movePointLeft(exp).stripTrailingZeros().toPlainString();
            return mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        }
        return d.toPlainString();
    }
}
