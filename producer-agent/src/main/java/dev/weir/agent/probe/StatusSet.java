package dev.weir.agent.probe;

import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP statuses a probe accepts: single codes and inclusive ranges, e.g. {@code 200-299} or
 * {@code [200, 204, 301-302]}. Immutable.
 *
 * @param ranges pairs of inclusive bounds
 */
public record StatusSet(List<int[]> ranges) {
    /** Any 2xx. */
    public static final StatusSet SUCCESS = new StatusSet(List.<int[]>of(new int[] {200, 299}));

    public StatusSet {
        ranges = List.copyOf(ranges);
    }

    /** @return whether {@code status} is accepted */
    public boolean accepts(int status) {
        for (int[] r : ranges) {
            if (status >= r[0] && status <= r[1]) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param items codes ({@code 200}) and ranges ({@code "200-299"})
     * @return the set
     * @throws IllegalArgumentException naming the item that is not a status or a range of statuses
     */
    static StatusSet parse(List<?> items) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("must name at least one status, e.g. 200 or 200-299");
        }
        List<int[]> ranges = new ArrayList<>();
        for (Object item : items) {
            String s = String.valueOf(item).trim();
            int dash = s.indexOf('-');
            int lo;
            int hi;
            try {
                lo = Integer.parseInt(dash < 0 ? s : s.substring(0, dash).trim());
                hi = dash < 0 ? lo : Integer.parseInt(s.substring(dash + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("\"" + s + "\" is not a status code or a range such as 200-299");
            }
            if (lo < 100 || hi > 599 || lo > hi) {
                throw new IllegalArgumentException("\"" + s + "\" must be status codes between 100 and 599, low to high");
            }
            ranges.add(new int[] {lo, hi});
        }
        return new StatusSet(ranges);
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (int[] r : ranges) {
            parts.add(r[0] == r[1] ? Integer.toString(r[0]) : r[0] + "-" + r[1]);
        }
        return String.join(", ", parts);
    }
}
