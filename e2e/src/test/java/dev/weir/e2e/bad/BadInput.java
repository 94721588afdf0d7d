package dev.weir.e2e.bad;

/**
 * One malformed input.
 *
 * @param n            its number within its route
 * @param kind         what is wrong with it (the report groups by this)
 * @param bytes        the bytes: one NDJSON line (no line break inside) or one raw record value
 * @param request      whether it goes to the requests intake / {@code weir.raw.requests} (else logs)
 * @param cleanAllowed whether it may come out as a clean event (its oddity is one the contract accepts), else it
 *                     must be refused at the intake or dead-lettered
 */
public record BadInput(int n, String kind, byte[] bytes, boolean request, boolean cleanAllowed) {
}
