package dev.weir.processor.normalize;

import dev.weir.common.redact.RedactionSettings;
import dev.weir.processor.fingerprint.FingerprintSettings;
import dev.weir.processor.route.RouteSettings;
import dev.weir.processor.validate.Limits;
import java.util.Objects;

/**
 * Everything the normalise stage can be told.
 *
 * @param limits      input limits
 * @param routes      route cap and login routes
 * @param redaction   redaction rules
 * @param fingerprint error fingerprint settings
 */
public record NormalizeSettings(Limits limits, RouteSettings routes, RedactionSettings redaction, FingerprintSettings fingerprint) {

    /** The documented defaults. */
    public static final NormalizeSettings DEFAULTS = new NormalizeSettings(Limits.DEFAULTS, RouteSettings.DEFAULTS,
            RedactionSettings.DEFAULTS, FingerprintSettings.DEFAULTS);

    public NormalizeSettings {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(routes, "routes");
        Objects.requireNonNull(redaction, "redaction");
        Objects.requireNonNull(fingerprint, "fingerprint");
    }
}
