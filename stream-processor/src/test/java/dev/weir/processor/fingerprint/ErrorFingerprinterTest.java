package dev.weir.processor.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorFingerprinterTest {
    private final ErrorFingerprinter fp = new ErrorFingerprinter(FingerprintSettings.DEFAULTS);

    private static final String TRACE = """
            java.sql.SQLTimeoutException: timeout after 3000 ms for order 1042
            \tat org.postgresql.jdbc.PgStatement.execute(PgStatement.java:420)
            \tat dev.shop.OrderRepository.find(OrderRepository.java:%d)
            \tat dev.shop.OrderService.load(OrderService.java:%d)
            \tat java.base/java.lang.Thread.run(Thread.java:833)
            """;

    @Test
    void shouldIgnoreLineNumbersAndMessageInStackTraces() {
        assertThat(fp.fingerprint(null, "a", TRACE.formatted(10, 20))).isEqualTo(fp.fingerprint(null, "b", TRACE.formatted(11, 99)));
    }

    @Test
    void shouldDistinguishDifferentInAppFrames() {
        String other = TRACE.formatted(10, 20).replace("OrderService.load", "OrderService.save");
        assertThat(fp.fingerprint(null, null, TRACE.formatted(10, 20))).isNotEqualTo(fp.fingerprint(null, null, other));
    }

    @Test
    void shouldIgnoreLibraryFramesWhenInAppFramesExist() {
        String otherLibrary = TRACE.formatted(10, 20).replace("org.postgresql.jdbc.PgStatement.execute", "com.zaxxer.hikari.Proxy.execute");
        assertThat(fp.fingerprint(null, null, TRACE.formatted(10, 20))).isEqualTo(fp.fingerprint(null, null, otherLibrary));
    }

    @Test
    void shouldDistinguishExceptionTypes() {
        String other = TRACE.formatted(10, 20).replace("SQLTimeoutException", "SQLSyntaxErrorException");
        assertThat(fp.fingerprint(null, null, TRACE.formatted(10, 20))).isNotEqualTo(fp.fingerprint(null, null, other));
    }

    @Test
    void shouldUseConfiguredInAppPackages() {
        ErrorFingerprinter onlyService = new ErrorFingerprinter(new FingerprintSettings(List.of("dev.shop.OrderService"), 5));
        String otherRepository = TRACE.formatted(10, 20).replace("OrderRepository.find", "OrderRepository.get");
        assertThat(onlyService.fingerprint(null, null, TRACE.formatted(10, 20)))
                .isEqualTo(onlyService.fingerprint(null, null, otherRepository));
    }

    @Test
    void shouldGroupMessagesThatDifferInNumbersIdsIpsAndUuids() {
        String a = fp.fingerprint("Timeout", "call 17 to 10.0.0.1:8080 for 3f2b8c1e-9d4a-4b7e-8f00-1a2b3c4d5e6f blob 5f2b9c1a7e", null);
        String b = fp.fingerprint("Timeout", "call 18 to 10.0.0.2:9090 for 00000000-1111-2222-3333-444444444444 blob 9a8b7c6d5e", null);
        assertThat(a).isEqualTo(b);
    }

    @Test
    void shouldSeparateDifferentMessages() {
        assertThat(fp.fingerprint(null, "disk full", null)).isNotEqualTo(fp.fingerprint(null, "disk missing", null));
    }

    @Test
    void shouldReturnNullWithoutAnyErrorText() {
        assertThat(fp.fingerprint(null, " ", null)).isNull();
    }

    @Test
    void shouldReadExceptionTypeFromFirstLine() {
        assertThat(ErrorFingerprinter.exceptionType(TRACE.formatted(1, 2))).isEqualTo("java.sql.SQLTimeoutException");
    }
}
