package dev.weir.emitter.template;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.List;
import java.util.Locale;

/**
 * Go's {@code time.Time} as templates use it: printing ({@code {{ .StartsAt }}}),
 * {@code .Format "2006-01-02 15:04:05"}, {@code .Unix}, {@code .UTC}. All times are UTC.
 */
final class GoTime {
    static final String DEFAULT_LAYOUT = "2006-01-02 15:04:05.999999999 -0700 MST";

    private GoTime() {}

    static Object field(Instant t, String name) {
        return switch (name) {
            case "Format" -> (TemplateMethod) args -> {
                if (args.size() != 1) {
                    throw new TemplateException("Format takes one argument, a Go layout such as \"2006-01-02 15:04:05\"");
                }
                return format(t, Functions.print(args.get(0)));
            };
            case "Unix" -> (TemplateMethod) args -> t.getEpochSecond();
            case "UnixMilli" -> (TemplateMethod) args -> t.toEpochMilli();
            case "UTC", "Local" -> (TemplateMethod) args -> t;
            case "IsZero" -> (TemplateMethod) args -> t.equals(AlertData.ZERO_TIME);
            default -> throw new TemplateException("can't evaluate field " + name + " in type time.Time");
        };
    }

    /** Formats with a Go reference-time layout (the common elements of it). */
    static String format(Instant t, String layout) {
        ZonedDateTime z = t.atZone(ZoneOffset.UTC);
        StringBuilder out = new StringBuilder();
        int i = 0;
        List<String> tokens = List.of("2006", "January", "Jan", "Monday", "Mon", "MST", "Z07:00", "-07:00", "-0700",
                ".999999999", ".000000000", ".000000", ".000", ".999", "01", "02", "15", "03", "04", "05", "06", "PM",
                "_2", "1", "2", "3", "4", "5");
        while (i < layout.length()) {
            String match = null;
            for (String tok : tokens) {
                if (layout.startsWith(tok, i)) {
                    match = tok;
                    break;
                }
            }
            if (match == null) {
                out.append(layout.charAt(i++));
                continue;
            }
            i += match.length();
            out.append(switch (match) {
                case "2006" -> String.format("%04d", z.getYear());
                case "06" -> String.format("%02d", z.getYear() % 100);
                case "January" -> z.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
                case "Jan" -> z.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
                case "Monday" -> z.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
                case "Mon" -> z.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
                case "MST" -> "UTC";
                case "Z07:00" -> "Z";
                case "-07:00" -> "+00:00";
                case "-0700" -> "+0000";
                case ".999999999", ".999" -> fraction(z.getNano(), match.length() - 1, true);
                case ".000000000", ".000000", ".000" -> fraction(z.getNano(), match.length() - 1, false);
                case "01" -> String.format("%02d", z.getMonthValue());
                case "1" -> String.valueOf(z.getMonthValue());
                case "02" -> String.format("%02d", z.getDayOfMonth());
                case "_2" -> String.format("%2d", z.getDayOfMonth());
                case "2" -> String.valueOf(z.getDayOfMonth());
                case "15" -> String.format("%02d", z.getHour());
                case "03" -> String.format("%02d", (z.getHour() + 11) % 12 + 1);
                case "3" -> String.valueOf((z.getHour() + 11) % 12 + 1);
                case "04" -> String.format("%02d", z.getMinute());
                case "4" -> String.valueOf(z.getMinute());
                case "05" -> String.format("%02d", z.getSecond());
                case "5" -> String.valueOf(z.getSecond());
                case "PM" -> z.getHour() < 12 ? "AM" : "PM";
                default -> match;
            });
        }
        return out.toString();
    }

    private static String fraction(int nanos, int digits, boolean trim) {
        String s = String.format("%09d", nanos).substring(0, digits);
        if (trim) {
            s = s.replaceAll("0+$", "");
            return s.isEmpty() ? "" : "." + s;
        }
        return "." + s;
    }

    static String iso(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t);
    }
}
