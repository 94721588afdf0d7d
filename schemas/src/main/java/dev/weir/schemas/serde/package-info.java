/**
 * Registry-free Kafka serdes for Weir's Avro payloads: Avro single-object encoding, with every
 * released version of each schema known to the decoder. Start at {@link dev.weir.schemas.serde.WeirSerdes}.
 */
package dev.weir.schemas.serde;
