package dev.weir.processor.measure.logins;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Login counts of one key (source IP or user) over one window. Mutable, not thread-safe.
 * {@code distinct} holds the distinct users (per source IP) or source IPs (per user) of the
 * failures, up to a cap; beyond it the count is a lower bound.
 */
public final class LoginWindowState {
    long failures;
    long successes;
    final Set<String> distinct;
    final List<String> sampleUsers;
    final List<String> exemplars;
    String service;
    boolean mixedServices;
    boolean successAlerted;

    LoginWindowState() {
        this(0, 0, new LinkedHashSet<>(), new ArrayList<>(), new ArrayList<>(), null, false, false);
    }

    private LoginWindowState(long failures, long successes, Set<String> distinct, List<String> sampleUsers,
                             List<String> exemplars, String service, boolean mixedServices, boolean successAlerted) {
        this.failures = failures;
        this.successes = successes;
        this.distinct = distinct;
        this.sampleUsers = sampleUsers;
        this.exemplars = exemplars;
        this.service = service;
        this.mixedServices = mixedServices;
        this.successAlerted = successAlerted;
    }

    /** @return failed logins in the window */
    public long failures() {
        return failures;
    }

    /** @return successful logins in the window */
    public long successes() {
        return successes;
    }

    /** @return distinct users (per IP) or IPs (per user) among the failures, capped */
    public int distinctCount() {
        return distinct.size();
    }

    /** @return the distinct users or IPs remembered (read-only view) */
    public Set<String> distinctValues() {
        return java.util.Collections.unmodifiableSet(distinct);
    }

    /** @return whether a success after enough failures was detected in this window (SUCCESS_AFTER_FAILURES) */
    public boolean successAfterFailures() {
        return successAlerted;
    }

    /** @return sample user names of the window (read-only view) */
    public List<String> sampleUsers() {
        return java.util.Collections.unmodifiableList(sampleUsers);
    }

    /** @return sample event ids of the window (read-only view) */
    public List<String> exemplars() {
        return java.util.Collections.unmodifiableList(exemplars);
    }

    void seeService(String s) {
        if (service == null && !mixedServices) {
            service = s;
        } else if (!Objects.equals(service, s)) {
            service = null;
            mixedServices = true;
        }
    }

    /** @return the store serde (a small binary format, version byte first) */
    public static Serde<LoginWindowState> serde() {
        return Serdes.serdeFrom((topic, s) -> {
            if (s == null) {
                return null;
            }
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
                DataOutputStream out = new DataOutputStream(bytes);
                out.writeByte(1);
                out.writeLong(s.failures);
                out.writeLong(s.successes);
                Binary.writeStrings(out, s.distinct);
                Binary.writeStrings(out, s.sampleUsers);
                Binary.writeStrings(out, s.exemplars);
                Binary.writeString(out, s.service);
                out.writeBoolean(s.mixedServices);
                out.writeBoolean(s.successAlerted);
                return bytes.toByteArray();
            } catch (IOException e) {
                throw new SerializationException(e);
            }
        }, (topic, data) -> {
            if (data == null) {
                return null;
            }
            try {
                DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
                if (in.readByte() != 1) {
                    throw new SerializationException("Unknown login window format " + data[0]);
                }
                return new LoginWindowState(in.readLong(), in.readLong(), new LinkedHashSet<>(Binary.readStrings(in)),
                        Binary.readStrings(in), Binary.readStrings(in), Binary.readString(in), in.readBoolean(), in.readBoolean());
            } catch (IOException e) {
                throw new SerializationException("Corrupt login window state (" + data.length + " bytes)", e);
            }
        });
    }
}
