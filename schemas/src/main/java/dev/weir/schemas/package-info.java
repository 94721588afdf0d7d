/**
 * Weir's Kafka payloads: the Avro classes generated from {@code src/main/avro/*.avsc}
 * ({@link dev.weir.schemas.LogEvent}, {@link dev.weir.schemas.RequestEvent},
 * {@link dev.weir.schemas.ErrorRateWindow}, {@link dev.weir.schemas.LatencyWindow},
 * {@link dev.weir.schemas.LoginBurstWindow}, {@link dev.weir.schemas.AlertEvent}) and the
 * dead-letter header contract ({@link dev.weir.schemas.DeadLetterHeaders}). Serdes are in
 * {@link dev.weir.schemas.serde}.
 */
package dev.weir.schemas;
