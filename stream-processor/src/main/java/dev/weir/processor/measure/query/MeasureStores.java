package dev.weir.processor.measure.query;

import dev.weir.processor.measure.MeasureTopology;
import dev.weir.processor.measure.latency.LatencyAggregate;
import dev.weir.processor.measure.logins.LoginWindowState;
import dev.weir.schemas.ErrorRateWindow;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * Read access to the measuring stage's window stores on this instance (all its active tasks).
 * Reads throw {@link org.apache.kafka.streams.errors.InvalidStateStoreException} while the
 * instance is not RUNNING (e.g. rebalancing); callers answer "try again".
 */
public interface MeasureStores {
    /** @return errors by {@code service} / {@code service|route} and window */
    ReadOnlyWindowStore<String, ErrorRateWindow> errors();

    /** @return latency aggregates by {@code service} / {@code service|route} and window */
    ReadOnlyWindowStore<String, LatencyAggregate> latency();

    /** @return login windows by source IP */
    ReadOnlyWindowStore<String, LoginWindowState> loginsBySource();

    /** @return login windows by user name */
    ReadOnlyWindowStore<String, LoginWindowState> loginsByUser();

    /**
     * @param streams a KafkaStreams running a topology that includes {@link MeasureTopology}
     * @return the local stores of its active tasks
     */
    static MeasureStores of(KafkaStreams streams) {
        return new MeasureStores() {
            @Override
            public ReadOnlyWindowStore<String, ErrorRateWindow> errors() {
                return streams.store(StoreQueryParameters.fromNameAndType(MeasureTopology.ERRORS_STORE,
                        QueryableStoreTypes.windowStore()));
            }

            @Override
            public ReadOnlyWindowStore<String, LatencyAggregate> latency() {
                return streams.store(StoreQueryParameters.fromNameAndType(MeasureTopology.LATENCY_STORE,
                        QueryableStoreTypes.windowStore()));
            }

            @Override
            public ReadOnlyWindowStore<String, LoginWindowState> loginsBySource() {
                return streams.store(StoreQueryParameters.fromNameAndType(MeasureTopology.LOGINS_BY_SOURCE_STORE,
                        QueryableStoreTypes.windowStore()));
            }

            @Override
            public ReadOnlyWindowStore<String, LoginWindowState> loginsByUser() {
                return streams.store(StoreQueryParameters.fromNameAndType(MeasureTopology.LOGINS_BY_USER_STORE,
                        QueryableStoreTypes.windowStore()));
            }
        };
    }
}
