package dev.weir.processor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weir.common.kafka.Topics;
import dev.weir.schemas.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A generated mix of valid events (with planted secrets) and malformed input: truncated JSON,
 * wrong types, invalid UTF-8, deep nesting, huge strings, absurd timestamps and more, each with
 * the dead-letter reason it must get. Deterministic for a seed. The event size limit is assumed
 * to be 64 KiB.
 */
record Corpus(List<Input> inputs, int validLogs, int validRequests, int malformed) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Secrets planted in valid events and in some malformed ones; none may reach weir.logs or the dead letters. */
    static final List<String> SECRETS = List.of("hunter2secret", "AKIAIOSFODNN7EXAMPLE", "4111 1111 1111 1111",
            "alice.smith@example.com", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
            "eyJzdWIiOiIxMjM0NTY3ODkwIn0", "S3cr3tPass", "abcDEF123456ghiJKL789", "tiger-lily-42");

    /**
     * @param topic          raw topic
     * @param key            record key
     * @param value          record value
     * @param expectedReason the dead-letter reason it must get, or {@code null} when valid
     */
    record Input(String topic, byte[] key, byte[] value, String expectedReason) {
    }

    static Corpus generate(long seed, Instant now, int malformedCount, int validCount) {
        Random rnd = new Random(seed);
        List<Input> inputs = new ArrayList<>();
        int logs = 0;
        int requests = 0;
        for (int i = 0; i < validCount; i++) {
            if (i % 3 == 0) {
                inputs.add(new Input(Topics.RAW_REQUESTS, key("shop"), bytes(validRequest(rnd, now)), null));
                requests++;
            } else {
                inputs.add(new Input(Topics.RAW_LOGS, key("checkout"), bytes(validLog(rnd, now, i)), null));
                logs++;
            }
        }
        for (int i = 0; i < malformedCount; i++) {
            inputs.add(malformed(rnd, now, i));
        }
        Collections.shuffle(inputs, rnd);
        return new Corpus(List.copyOf(inputs), logs, requests, malformedCount);
    }

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String ts(Random rnd, Instant now) {
        return now.minusSeconds(rnd.nextInt(3600)).toString();
    }

    private static String validLog(Random rnd, Instant now, int i) {
        ObjectNode n = JSON.createObjectNode().put("@timestamp", ts(rnd, now)).put("service.name", "checkout")
                .put("log.level", rnd.nextBoolean() ? "error" : "info");
        switch (i % 6) {
            case 0 -> n.put("message", "login for alice.smith@example.com with password=hunter2secret failed");
            case 1 -> n.put("message", "charged card 4111 1111 1111 1111 via sk_live_4eC39HqLyjWDarjtT1zdp7dc");
            case 2 -> n.put("message", "calling https://svc:S3cr3tPass@api.internal/x with Authorization: Bearer abcDEF123456ghiJKL789");
            case 3 -> n.put("message", "deploy").put("stack_trace", "java.lang.IllegalStateException: key AKIAIOSFODNN7EXAMPLE rejected\n"
                    + "\tat dev.shop.Deploy.run(Deploy.java:" + rnd.nextInt(500) + ")");
            case 4 -> n.put("message", "token check").put("labels.token_owner", "alice.smith@example.com")
                    .put("password", "tiger-lily-42").put("labels.gh", "ghp_abcdefghijklmnopqrstuvwxyz0123456789");
            default -> n.put("message", "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U seen")
                    .put("error.message", "user alice.smith@example.com denied");
        }
        return n.toString();
    }

    private static String validRequest(Random rnd, Instant now) {
        ObjectNode n = JSON.createObjectNode().put("@timestamp", ts(rnd, now)).put("service", "shop")
                .put("method", "GET").put("path", "/orders/" + rnd.nextInt(100_000)).put("status", 200 + rnd.nextInt(4) * 100);
        if (rnd.nextBoolean()) {
            n.put("duration_ms", rnd.nextDouble() * 500);
        }
        return n.toString();
    }

    private static Input malformed(Random rnd, Instant now, int i) {
        String t = ts(rnd, now);
        String okLog = "{\"@timestamp\":\"" + t + "\",\"service\":\"checkout\",\"message\":\"order " + rnd.nextInt() + " done\"}";
        String reqStart = "{\"@timestamp\":\"" + t + "\",\"service\":\"shop\",\"method\":\"GET\",\"path\":\"/o/" + i + "\"";
        return switch (i % 18) {
            case 0 -> logs(okLog.substring(0, 1 + rnd.nextInt(okLog.length() - 2)), DeadLetterReason.MALFORMED_JSON);
            case 1 -> requests(reqStart + ",\"status\":\"" + pick(rnd, "OK", "fine", "2xx") + "\"}", DeadLetterReason.WRONG_TYPE);
            case 2 -> requests(reqStart + ",\"status\":" + pick(rnd, "700", "99", "true", "200.5") + "}", DeadLetterReason.WRONG_TYPE);
            case 3 -> requests(reqStart + ",\"status\":200,\"duration_ms\":-" + (1 + rnd.nextInt(1000)) + "}", DeadLetterReason.NEGATIVE_VALUE);
            case 4 -> requests(reqStart + ",\"status\":200,\"duration_ms\":" + pick(rnd, "NaN", "Infinity", "1e400", "-Infinity") + "}",
                    DeadLetterReason.NOT_FINITE);
            case 5 -> {
                byte[] head = bytes("{\"@timestamp\":\"" + t + "\",\"service\":\"checkout\",\"message\":\"caf");
                byte[] bad = rnd.nextBoolean() ? new byte[] {(byte) 0xFF} : new byte[] {(byte) 0xE2, (byte) 0x82};
                byte[] tail = bytes("\"}");
                byte[] all = new byte[head.length + bad.length + tail.length];
                System.arraycopy(head, 0, all, 0, head.length);
                System.arraycopy(bad, 0, all, head.length, bad.length);
                System.arraycopy(tail, 0, all, head.length + bad.length, tail.length);
                yield new Input(Topics.RAW_LOGS, key("checkout"), all, DeadLetterReason.INVALID_UTF8.code());
            }
            case 6 -> {
                int depth = 21 + rnd.nextInt(300);
                yield logs("{\"@timestamp\":\"" + t + "\",\"message\":\"m\",\"deep\":" + "[".repeat(depth) + "]".repeat(depth) + "}",
                        DeadLetterReason.TOO_DEEP);
            }
            case 7 -> logs("{\"@timestamp\":\"" + t + "\",\"message\":\"m\",\"blob\":\"" + "z".repeat(33_000 + rnd.nextInt(20_000)) + "\"}",
                    DeadLetterReason.STRING_TOO_LONG);
            case 8 -> logs("{\"@timestamp\":\"" + t + "\",\"message\":\"" + "q".repeat(70_000 + rnd.nextInt(10_000)) + "\"}",
                    DeadLetterReason.TOO_LARGE);
            case 9 -> logs("{\"@timestamp\":\"" + pick(rnd, "1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2001-09-09T01:46:40Z")
                    + "\",\"message\":\"m\"}", DeadLetterReason.TIMESTAMP_OUT_OF_RANGE);
            case 10 -> logs("{\"@timestamp\":" + pick(rnd, "-1e30", "99999999999999999999", "0") + ",\"message\":\"m\"}",
                    DeadLetterReason.TIMESTAMP_OUT_OF_RANGE);
            case 11 -> logs("{\"@timestamp\":\"" + pick(rnd, "2025-13-45T99:00:00Z", "yesterday", "NaN", "") + "\",\"message\":\"m\"}",
                    DeadLetterReason.BAD_TIMESTAMP);
            case 12 -> logs("{\"message\":\"no time " + i + "\"}", DeadLetterReason.MISSING_TIMESTAMP);
            case 13 -> {
                StringBuilder sb = new StringBuilder("{\"@timestamp\":\"" + t + "\",\"message\":\"m\"");
                for (int f = 0; f < 1001 + rnd.nextInt(200); f++) {
                    sb.append(",\"f").append(f).append("\":").append(f);
                }
                yield logs(sb.append('}').toString(), DeadLetterReason.TOO_MANY_FIELDS);
            }
            case 14 -> logs(pick(rnd, "[1,2,3]", "42", "\"text\"", "null", "{} {}", "", "{\"a\":1,}", "plain text line"),
                    DeadLetterReason.MALFORMED_JSON);
            case 15 -> requests(reqStart + "}", DeadLetterReason.MISSING_FIELD);
            // secrets inside malformed input: none may reach the dead letters either
            case 16 -> {
                String secretLog = "{\"@timestamp\":\"" + t + "\",\"service\":\"checkout\",\"message\":\"login for "
                        + "alice.smith@example.com with password=hunter2secret\",\"db_password\":\"tiger-lily-42\",\"key\":\""
                        + "AKIAIOSFODNN7EXAMPLE\"}";
                yield logs(secretLog.substring(0, secretLog.length() - 1 - rnd.nextInt(3)), DeadLetterReason.MALFORMED_JSON);
            }
            default -> requests(reqStart + ",\"status\":\"Bearer abcDEF123456ghiJKL789\",\"note\":\"sk_live_4eC39HqLyjWDarjtT1zdp7dc\"}",
                    DeadLetterReason.WRONG_TYPE);
        };
    }

    private static String pick(Random rnd, String... options) {
        return options[rnd.nextInt(options.length)];
    }

    private static Input logs(String value, DeadLetterReason reason) {
        return new Input(Topics.RAW_LOGS, key("checkout"), bytes(value), reason.code());
    }

    private static Input requests(String value, DeadLetterReason reason) {
        return new Input(Topics.RAW_REQUESTS, key("shop"), bytes(value), reason.code());
    }
}
