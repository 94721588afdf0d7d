package dev.weir.emitter.timeinterval;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of a named {@code time_intervals} list, with Alertmanager's semantics
 * ({@code timeinterval.TimeInterval.ContainsTime}): an instant is inside when it is inside every
 * field that is set, and inside a field when it is inside any of its ranges. The instant is first
 * converted to {@code location} (UTC when absent). Fields that are null are not set.
 *
 * <p>Immutable and thread-safe.
 *
 * @param times minute ranges of the day, start inclusive, end exclusive ({@code 24:00} = 1440)
 * @param weekdays inclusive ranges, 0 = Sunday .. 6 = Saturday
 * @param daysOfMonth inclusive ranges, 1..31, or negative from the month's end (-1 = last day)
 * @param months inclusive ranges, 1 = January .. 12
 * @param years inclusive ranges
 * @param location the time zone the fields are read in
 */
public record TimeInterval(List<Range> times, List<Range> weekdays, List<Range> daysOfMonth, List<Range> months,
                           List<Range> years, ZoneId location) {

    /** An inclusive range {@code begin..end} (for {@code times}: begin inclusive, end exclusive, in minutes). */
    public record Range(int begin, int end) {}

    private static final Map<String, Integer> WEEKDAYS = Map.of("sunday", 0, "monday", 1, "tuesday", 2, "wednesday", 3,
            "thursday", 4, "friday", 5, "saturday", 6);
    private static final Map<String, Integer> MONTHS = Map.ofEntries(Map.entry("january", 1), Map.entry("february", 2),
            Map.entry("march", 3), Map.entry("april", 4), Map.entry("may", 5), Map.entry("june", 6), Map.entry("july", 7),
            Map.entry("august", 8), Map.entry("september", 9), Map.entry("october", 10), Map.entry("november", 11),
            Map.entry("december", 12));

    public TimeInterval {
        times = copy(times);
        weekdays = copy(weekdays);
        daysOfMonth = copy(daysOfMonth);
        months = copy(months);
        years = copy(years);
        location = location == null ? ZoneOffset.UTC : location;
    }

    private static List<Range> copy(List<Range> l) {
        return l == null ? null : List.copyOf(l);
    }

    /**
     * @param instant a moment
     * @return whether the moment is inside this interval
     */
    public boolean contains(Instant instant) {
        ZonedDateTime t = instant.atZone(location);
        if (times != null) {
            int minute = t.getHour() * 60 + t.getMinute();
            if (times.stream().noneMatch(r -> minute >= r.begin() && minute < r.end())) {
                return false;
            }
        }
        if (daysOfMonth != null && !inDaysOfMonth(t)) {
            return false;
        }
        if (months != null && !inAny(months, t.getMonthValue())) {
            return false;
        }
        if (weekdays != null && !inAny(weekdays, t.getDayOfWeek().getValue() % 7)) {
            return false;
        }
        return years == null || inAny(years, t.getYear());
    }

    private static boolean inAny(List<Range> ranges, int value) {
        return ranges.stream().anyMatch(r -> value >= r.begin() && value <= r.end());
    }

    private boolean inDaysOfMonth(ZonedDateTime t) {
        int days = t.toLocalDate().lengthOfMonth();
        for (Range r : daysOfMonth) {
            int begin = r.begin() < 0 ? days + r.begin() + 1 : r.begin();
            int end = r.end() < 0 ? days + r.end() + 1 : r.end();
            if (begin > days) {
                continue;
            }
            begin = Math.max(-days, Math.min(begin, days));
            end = Math.max(-days, Math.min(end, days));
            if (t.getDayOfMonth() >= begin && t.getDayOfMonth() <= end) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code HH:MM} to minutes of the day, as Alertmanager accepts it ({@code 00:00}..{@code 24:00}).
     *
     * @throws IllegalArgumentException with a sentence naming the value
     */
    public static int minuteOfDay(String text) {
        if (text == null || !text.matches("(([01][0-9])|(2[0-3])):[0-5][0-9]|24:00")) {
            throw new IllegalArgumentException("'" + text + "' is not a time of day; write HH:MM from 00:00 to 24:00");
        }
        return Integer.parseInt(text.substring(0, 2)) * 60 + Integer.parseInt(text.substring(3));
    }

    /**
     * A {@code times} entry.
     *
     * @throws IllegalArgumentException when a time is malformed or the start is not before the end
     */
    public static Range timeRange(String start, String end) {
        if (start == null || end == null) {
            throw new IllegalArgumentException("both start_time and end_time must be set");
        }
        int b = minuteOfDay(start);
        int e = minuteOfDay(end);
        if (b >= e) {
            throw new IllegalArgumentException("start_time " + start + " must be before end_time " + end);
        }
        return new Range(b, e);
    }

    /** A {@code weekdays} entry: {@code monday}, {@code monday:friday}. */
    public static Range weekdayRange(String text) {
        Range r = parse(text, s -> named(WEEKDAYS, s, "weekday"));
        if (r.begin() > r.end()) {
            throw new IllegalArgumentException("'" + text + "' starts after it ends; write the earlier weekday first (sunday is the first)");
        }
        return r;
    }

    /** A {@code months} entry: {@code may}, {@code 5}, {@code may:august}, {@code 1:3}. */
    public static Range monthRange(String text) {
        Range r = parse(text, s -> {
            Integer m = MONTHS.get(s);
            if (m != null) {
                return m;
            }
            int n = number(s, "month");
            if (n < 1 || n > 12) {
                throw new IllegalArgumentException("'" + s + "' is not a month: use january..december or 1..12");
            }
            return n;
        });
        if (r.begin() > r.end()) {
            throw new IllegalArgumentException("'" + text + "' starts after it ends");
        }
        return r;
    }

    /** A {@code days_of_month} entry: {@code 1}, {@code 1:5}, {@code -3:-1}. */
    public static Range dayOfMonthRange(String text) {
        Range r = parse(text, s -> number(s, "day of the month"));
        for (int d : new int[] {r.begin(), r.end()}) {
            if (d == 0 || d < -31 || d > 31) {
                throw new IllegalArgumentException(d + " is not a day of the month: use 1..31 or -31..-1 (from the end)");
            }
        }
        if (r.begin() < 0 && r.end() > 0) {
            throw new IllegalArgumentException("'" + text + "': the end day must be negative when the start day is");
        }
        int b = r.begin() < 0 ? 28 + r.begin() : r.begin();
        int e = r.end() < 0 ? 28 + r.end() : r.end();
        if (b > e) {
            throw new IllegalArgumentException("'" + text + "': the end day is always before the start day");
        }
        return r;
    }

    /** A {@code years} entry: {@code 2025}, {@code 2025:2027}. */
    public static Range yearRange(String text) {
        Range r = parse(text, s -> number(s, "year"));
        if (r.begin() > r.end()) {
            throw new IllegalArgumentException("'" + text + "' starts after it ends");
        }
        return r;
    }

    private interface Member {
        int of(String s);
    }

    private static Range parse(String text, Member member) {
        String s = Objects.requireNonNull(text, "text").strip().toLowerCase(Locale.ROOT);
        int colon = s.indexOf(':');
        if (colon < 0) {
            int v = member.of(s);
            return new Range(v, v);
        }
        if (s.indexOf(':', colon + 1) >= 0) {
            throw new IllegalArgumentException("'" + text + "' is not a range; write START:END");
        }
        return new Range(member.of(s.substring(0, colon)), member.of(s.substring(colon + 1)));
    }

    private static int named(Map<String, Integer> names, String s, String what) {
        Integer v = names.get(s);
        if (v == null) {
            throw new IllegalArgumentException("'" + s + "' is not a " + what);
        }
        return v;
    }

    private static int number(String s, String what) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a " + what);
        }
    }
}
