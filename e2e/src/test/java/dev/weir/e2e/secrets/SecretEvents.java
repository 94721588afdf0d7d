package dev.weir.e2e.secrets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Events with planted secrets of every built-in redaction kind, in every free-text field of the input contract:
 * the message, {@code error.message}, the stack trace, tags, unknown fields (plain, nested in an object, inside an
 * array), {@code labels}, members whose name says they are secret; for requests the path, the query and the user
 * agent. Every tenth event is malformed as well (cut short, invalid UTF-8, a wrong type, a duplicate key, too deep,
 * a value of 2 MB), so that its secrets reach the dead letters. Deterministic for a seed.
 *
 * <p>Not planted: {@code user.name}, {@code logger_name}, {@code thread_name}, host, service and trace ids, which
 * are identifiers the analytics group by, not free text, and which the processor does not redact.
 */
public final class SecretEvents {
    /** The built-in rules, every one planted. */
    public static final List<String> KINDS = List.of("url_credentials", "password", "jwt", "bearer_token", "aws_access_key",
            "github_token", "slack_token", "stripe_key", "api_key", "card_number", "email");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /**
     * One event.
     *
     * @param n       its number
     * @param bytes   the raw bytes (one line, no line break inside)
     * @param request a request event (else a log)
     * @param direct  sent straight onto the raw topic (else through the agent's HTTP intake)
     * @param malformed whether it is malformed too
     * @param planted what it carries
     */
    public record SecretEvent(int n, byte[] bytes, boolean request, boolean direct, boolean malformed, List<Planted> planted) {
    }

    private final Random rnd;
    private final String run;
    private int kind;

    /**
     * @param seed the random seed
     * @param run  the run marker, put into {@code labels.secrets_run} (not {@code labels.run}: these events are not traffic)
     */
    public SecretEvents(long seed, String run) {
        this.rnd = new Random(seed);
        this.run = run;
    }

    /**
     * @param count how many events
     * @param now   their time
     * @return the events
     */
    public List<SecretEvent> generate(int count, Instant now) {
        List<SecretEvent> events = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            boolean request = n % 4 == 3;
            boolean malformed = n % 10 == 9;
            boolean huge = malformed && (n / 10) % 6 == 5; // the 2 MB ones, which the intake refuses for their size
            boolean direct = n % 5 == 2 || huge;
            List<Planted> planted = new ArrayList<>();
            ObjectNode e = JSON.createObjectNode().put("@timestamp", now.toString()).put("service.name", "vault");
            if (request) {
                Planted path = next(planted, true);
                e.put("method", "POST").put("path", "/reset/" + path.value() + "?code=" + next(planted, false).value())
                        .put("status", 200).put("duration_ms", 12.5)
                        .put("user_agent", "Mozilla/5.0 (" + next(planted, false).value() + ")")
                        .put("referrer", "see " + next(planted, false).value())
                        .put("authorization", "Bearer " + next(planted, true).needle());
            } else {
                e.put("log.level", "error").put("message", "login for user with " + next(planted, false).value() + " failed");
                e.putObject("error").put("type", "java.lang.IllegalStateException").put("message", next(planted, false).value() + " rejected");
                e.put("stack_trace", "java.lang.IllegalStateException: " + next(planted, false).value()
                        + "\n\tat dev.shop.Vault.open(Vault.java:" + n + ")");
                e.putArray("tags").add("vault").add(next(planted, false).value());
                e.put("note", "copied " + next(planted, false).value());
                e.putObject("ctx").put("detail", next(planted, false).value());
                e.putArray("history").add("first").add(next(planted, false).value());
                Planted named = next(planted, true);
                e.put(List.of("password", "api_key", "token", "client_secret", "db_password").get(n % 5), named.needle());
            }
            e.putObject("labels").put("secrets_run", run).put("secret_event", Integer.toString(n))
                    .put("detail", next(planted, false).value());
            byte[] bytes = malformed ? malform(e.toString(), n) : utf8(e.toString());
            events.add(new SecretEvent(n, bytes, request, direct, malformed, List.copyOf(planted)));
        }
        return events;
    }

    /** The next kind in turn, so that every kind lands in every field; {@code bare} kinds fit where no separator may be. */
    private Planted next(List<Planted> planted, boolean bare) {
        String k = KINDS.get(kind++ % KINDS.size());
        Planted p = bare ? bare(k) : make(k);
        planted.add(p);
        return p;
    }

    /** A plant whose value has no {@code /}, space or {@code ?}: for path segments and secret-named members. */
    private Planted bare(String k) {
        return switch (k) {
            case "url_credentials", "password", "bearer_token", "api_key" -> {
                String needle = alnum(24);
                yield new Planted("api_key", "api_key=" + needle, needle);
            }
            default -> make(k);
        };
    }

    /** @return a plant of the kind */
    public Planted make(String k) {
        return switch (k) {
            case "url_credentials" -> {
                String needle = alnum(20);
                yield new Planted(k, "https://svc:" + needle + "@db.internal:5432/orders", needle);
            }
            case "password" -> {
                String needle = alnum(20);
                yield new Planted(k, "password=" + needle, needle);
            }
            case "jwt" -> {
                String needle = "eyJ" + alnum(24);
                yield new Planted(k, "eyJhbGciOiJIUzI1NiJ9." + needle + "." + alnum(22), needle);
            }
            case "bearer_token" -> {
                String needle = alnum(28);
                yield new Planted(k, "Authorization: Bearer " + needle, needle);
            }
            case "aws_access_key" -> {
                StringBuilder s = new StringBuilder("AKIA");
                for (int i = 0; i < 16; i++) {
                    s.append("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".charAt(rnd.nextInt(32)));
                }
                yield new Planted(k, s.toString(), s.toString());
            }
            case "github_token" -> {
                String needle = alnum(36);
                yield new Planted(k, "ghp_" + needle, needle);
            }
            case "slack_token" -> {
                String needle = alnum(24);
                yield new Planted(k, "xoxb-" + needle, needle);
            }
            case "stripe_key" -> {
                String needle = alnum(24);
                yield new Planted(k, "sk_live_" + needle, needle);
            }
            case "api_key" -> {
                String needle = alnum(24);
                yield new Planted(k, "api_key=" + needle, needle);
            }
            case "card_number" -> {
                String digits = luhn();
                String value = switch (rnd.nextInt(3)) {
                    case 0 -> digits;
                    case 1 -> digits.replaceAll("(\\d{4})(?=\\d)", "$1 ");
                    default -> digits.replaceAll("(\\d{4})(?=\\d)", "$1-");
                };
                yield new Planted(k, value, digits);
            }
            case "email" -> {
                String needle = "u" + alnum(15).toLowerCase();
                yield new Planted(k, needle + "@example.com", needle);
            }
            default -> throw new IllegalArgumentException(k);
        };
    }

    private byte[] malform(String json, int n) {
        return switch ((n / 10) % 6) {
            case 0 -> utf8(json.substring(0, json.length() - 1 - rnd.nextInt(3)));
            case 1 -> {
                byte[] bytes = utf8(json.replaceFirst("\"message\":\"login", "\"message\":\"caf\u0001login"));
                for (int i = 0; i < bytes.length; i++) {
                    if (bytes[i] == 1) {
                        bytes[i] = (byte) 0xFF;
                    }
                }
                yield bytes;
            }
            case 2 -> utf8(json.replaceFirst("\"service.name\":\"vault\"", "\"service.name\":\"vault\",\"status\":\"OK\",\"method\":\"GET\""));
            case 3 -> utf8(json.replaceFirst("\"service.name\":\"vault\"", "\"service.name\":\"vault\",\"user\":\"a\",\"user\":\"b\""));
            case 4 -> utf8(json.substring(0, json.length() - 1) + ",\"deep\":" + "[".repeat(50) + "]".repeat(50) + "}");
            default -> utf8(json.substring(0, json.length() - 1) + ",\"blob\":\"" + "y".repeat(2_000_000) + "\"}");
        };
    }

    private String luhn() {
        int[] d = new int[16];
        d[0] = 4;
        for (int i = 1; i < 15; i++) {
            d[i] = rnd.nextInt(10);
        }
        int sum = 0;
        for (int i = 0; i < 15; i++) {
            int v = d[14 - i];
            if (i % 2 == 0) {
                v *= 2;
                if (v > 9) {
                    v -= 9;
                }
            }
            sum += v;
        }
        d[15] = (10 - sum % 10) % 10;
        StringBuilder s = new StringBuilder();
        for (int v : d) {
            s.append(v);
        }
        return s.toString();
    }

    private String alnum(int length) {
        StringBuilder s = new StringBuilder(length);
        // a letter first and a letter last, so that no rule sees the needle as part of a number
        s.append(ALNUM.charAt(rnd.nextInt(52)));
        for (int i = 1; i < length - 1; i++) {
            s.append(ALNUM.charAt(rnd.nextInt(ALNUM.length())));
        }
        s.append(ALNUM.charAt(rnd.nextInt(52)));
        return s.toString();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
