package dev.weir.emitter.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Reads the seed alertmanager.yml fixtures from src/test/resources/seeds. */
public final class Fixtures {
    /** The variables the seed documents tell users to set. */
    public static final Map<String, String> SEED_ENV = Map.of(
            "SLACK_WEBHOOK_URL", "http://127.0.0.1:1/slack",
            "PAGERDUTY_KEY", "pd-routing-key",
            "PAGERDUTY_INTEGRATION_KEY", "pd-integration-key",
            "SMTP_USER", "alerts@sms.example.com",
            "SMTP_PASSWORD", "s3cret");

    private Fixtures() {}

    public static String seed(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/seeds/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture seeds/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static AlertmanagerConfig load(String name) {
        return AlertmanagerConfigLoader.parse(seed(name), SEED_ENV, name);
    }
}
