package dev.weir.e2e.bad;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generated malformed input, deterministic for a seed: truncated JSON, invalid UTF-8, values of 2 MB, nesting
 * 10 000 deep, NUL bytes (raw, and escaped in keys and values), absurd and textual timestamps, wrong types,
 * arrays where objects belong, duplicate keys, text that is not JSON, non-finite numbers, addresses that are not
 * addresses, missing timestamps. Every object starts with a marker member {@code "e2e": "bad-<route>-<n>"}, so
 * that a dead letter can be told apart even when its value is cut.
 */
public final class BadInputs {
    /** Kinds with their weights in the mix; the 2 MB values come on top, {@link #HUGE_PER_THOUSAND} per thousand. */
    private static final String[] KINDS = {"truncated JSON", "invalid UTF-8", "nesting 10 000 deep", "NUL byte", "NUL escaped in a key",
        "NUL escaped in a value", "absurd timestamp", "textual timestamp", "wrong type", "array for an object", "duplicate key",
        "not JSON", "non-finite number", "not an address", "no timestamp"};
    private static final int[] WEIGHTS = {10, 10, 5, 5, 4, 4, 8, 8, 12, 8, 8, 4, 4, 4, 3};
    private static final int HUGE_PER_THOUSAND = 2;

    private BadInputs() {
    }

    /**
     * @param seed  the random seed
     * @param count how many inputs (at least one 2 MB value among them)
     * @param route {@code h} (HTTP intake) or {@code d} (straight onto the raw topics): part of each marker
     * @param now   the time valid timestamps are near
     * @return the inputs
     */
    public static List<BadInput> generate(long seed, int count, String route, Instant now) {
        Random rnd = new Random(seed);
        int total = 0;
        for (int w : WEIGHTS) {
            total += w;
        }
        int huge = Math.max(1, count * HUGE_PER_THOUSAND / 1000);
        List<BadInput> inputs = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            String marker = "\"e2e\":\"bad-" + route + "-" + n + "\"";
            if (n % Math.max(1, count / huge) == 0 && inputs.stream().filter(i -> i.kind().equals("2 MB value")).count() < huge) {
                inputs.add(new BadInput(n, "2 MB value", utf8("{" + marker + ",\"@timestamp\":\"" + now + "\",\"message\":\""
                        + "x".repeat(2_000_000) + "\"}"), false, false));
                continue;
            }
            int pick = rnd.nextInt(total);
            int k = 0;
            while (pick >= WEIGHTS[k]) {
                pick -= WEIGHTS[k++];
            }
            inputs.add(make(n, KINDS[k], marker, rnd, now));
        }
        return inputs;
    }

    private static BadInput make(int n, String kind, String marker, Random rnd, Instant now) {
        String ts = "\"@timestamp\":\"" + now.minusMillis(rnd.nextInt(60_000)) + "\"";
        String log = "{" + marker + "," + ts + ",\"service.name\":\"badinput\",\"log.level\":\"info\",\"message\":\"input " + n + "\"}";
        String req = "{" + marker + "," + ts + ",\"service.name\":\"badinput\",\"method\":\"GET\",\"path\":\"/bad/" + n + "\"";
        return switch (kind) {
            case "truncated JSON" -> logs(n, kind, log.substring(0, marker.length() + 2 + rnd.nextInt(log.length() - marker.length() - 3)));
            case "invalid UTF-8" -> {
                byte[][] bad = {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}};
                yield new BadInput(n, kind, concat(utf8("{" + marker + "," + ts + ",\"message\":\"caf"), bad[rnd.nextInt(bad.length)],
                        utf8("\"}")), false, false);
            }
            case "nesting 10 000 deep" -> rnd.nextBoolean()
                    ? logs(n, kind, "{" + marker + "," + ts + ",\"message\":\"m\",\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}")
                    : logs(n, kind, "{" + marker + "," + ts + ",\"message\":\"m\",\"a\":" + "{\"a\":".repeat(9_999) + "1" + "}".repeat(9_999) + "}");
            case "NUL byte" -> logs(n, kind, "{" + marker + "," + ts + ",\"message\":\"a\u0000b\"}");
            case "NUL escaped in a key" -> logs(n, kind, "{" + marker + "," + ts + ",\"message\":\"m\",\"a\\u0000b\":1}");
            case "NUL escaped in a value" -> new BadInput(n, kind, utf8("{" + marker + "," + ts + ",\"message\":\"a\\u0000b\"}"), false, true);
            case "absurd timestamp" -> logs(n, kind, "{" + marker + ",\"@timestamp\":" + pick(rnd, "99999999999999999999", "-1e30", "0",
                    "\"9999-12-31T23:59:59Z\"", "\"1970-01-01T00:00:00Z\"", "\"0001-01-01T00:00:00Z\"", "1e300") + ",\"message\":\"m\"}");
            case "textual timestamp" -> logs(n, kind, "{" + marker + ",\"@timestamp\":\"" + pick(rnd, "yesterday", "now", "2025-13-45T99:00:00Z",
                    "", "last tuesday at noon", "NaN") + "\",\"message\":\"m\"}");
            case "wrong type" -> switch (rnd.nextInt(6)) {
                case 0 -> requests(n, kind, req + ",\"status\":\"" + pick(rnd, "OK", "fine", "2xx") + "\"}");
                case 1 -> requests(n, kind, req + ",\"status\":" + pick(rnd, "true", "700", "99", "200.5", "[200]") + "}");
                case 2 -> requests(n, kind, req + ",\"status\":200,\"duration_ms\":\"" + pick(rnd, "fast", "12ms", "") + "\"}");
                case 3 -> logs(n, kind, "{" + marker + "," + ts + ",\"message\":{\"text\":\"hi\"}}");
                case 4 -> logs(n, kind, "{" + marker + "," + ts + ",\"message\":[\"a\",\"b\"]}");
                default -> logs(n, kind, "{" + marker + "," + ts + ",\"message\":\"m\",\"service\":{\"name\":{\"x\":1}}}");
            };
            case "array for an object" -> new BadInput(n, kind, utf8(switch (rnd.nextInt(3)) {
                case 0 -> "{" + marker + "," + ts + ",\"message\":\"m\",\"source\":[{\"ip\":\"1.2.3.4\"}]}";
                case 1 -> "{" + marker + "," + ts + ",\"message\":\"m\",\"error\":[{\"message\":\"boom\"}]}";
                default -> "{" + marker + "," + ts + ",\"message\":\"m\",\"labels\":[{\"k\":\"v\"}]}";
            }), false, true);
            case "duplicate key" -> logs(n, kind, "{" + marker + "," + ts + ",\"message\":\"m\",\"user\":\"a\",\"user\":\"b\"}");
            case "not JSON" -> logs(n, kind, pick(rnd, "plain text line " + n, "42", "null", "\"text\"", "{} {}", "{\"a\":1,}", "[1,2,3]",
                    "<xml>" + n + "</xml>"));
            case "non-finite number" -> rnd.nextBoolean()
                    ? logs(n, kind, "{" + marker + "," + ts + ",\"message\":\"m\",\"ratio\":" + pick(rnd, "1e400", "-1e400", "NaN", "Infinity") + "}")
                    : requests(n, kind, req + ",\"status\":200,\"duration_ms\":" + pick(rnd, "1e400", "NaN", "1.79e308") + "}");
            case "not an address" -> logs(n, kind, "{" + marker + "," + ts + ",\"message\":\"m\",\"source.ip\":\""
                    + pick(rnd, "999.1.1.1", "not-an-ip", "1.2.3", "01.2.3.4", " 1.2.3.4") + "\"}");
            case "no timestamp" -> logs(n, kind, "{" + marker + ",\"message\":\"no time " + n + "\"}");
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static BadInput logs(int n, String kind, String text) {
        return new BadInput(n, kind, utf8(text), false, false);
    }

    private static BadInput requests(int n, String kind, String text) {
        return new BadInput(n, kind, utf8(text), true, false);
    }

    private static String pick(Random rnd, String... options) {
        return options[rnd.nextInt(options.length)];
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
