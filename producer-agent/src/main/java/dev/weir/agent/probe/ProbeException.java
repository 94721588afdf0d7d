package dev.weir.agent.probe;

/**
 * A probe definition that cannot be used. The message names the file, the probe and the field:
 * {@code Invalid probe checkout-health in probes.yml, field expect.status: …}.
 */
public final class ProbeException extends IllegalArgumentException {
    private final String file;
    private final String probe;
    private final String field;

    /**
     * @param file   the file (or topic key) the probe came from
     * @param probe  the probe's name, or {@code #n} when it has none yet, or null for the file as a whole
     * @param field  the field, or null
     * @param reason what is wrong and what to do
     */
    public ProbeException(String file, String probe, String field, String reason) {
        super(message(file, probe, field, reason));
        this.file = file;
        this.probe = probe;
        this.field = field;
    }

    private static String message(String file, String probe, String field, String reason) {
        StringBuilder b = new StringBuilder("Invalid ");
        b.append(probe == null ? "probe file " + file : "probe " + probe + " in " + file);
        if (field != null) {
            b.append(", field ").append(field);
        }
        return b.append(": ").append(reason).toString();
    }

    /** @return the file (or topic key) */
    public String file() {
        return file;
    }

    /** @return the probe's name, or null */
    public String probe() {
        return probe;
    }

    /** @return the field, or null */
    public String field() {
        return field;
    }
}
