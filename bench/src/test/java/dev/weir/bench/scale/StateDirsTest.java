package dev.weir.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;

class StateDirsTest {
    @TempDir
    Path stateDir;

    @Test
    void shouldCountKeyValueStoresUnderRocksdbAndWindowStoresUnderTheirOwnDirectory() throws IOException {
        write("app/0_0/rocksdb/route-cardinality-store/000012.sst", 100);
        write("app/0_0/rocksdb/route-cardinality-store/LOG", 10);
        write("app/1_2/rocksdb/route-cardinality-store/000007.sst", 50);
        write("app/3_1/logins-by-source-store/logins-by-source-store.1763850000000/000009.sst", 1_000);
        write("app/3_2/logins-by-source-store/logins-by-source-store.1763850000000/MANIFEST-000005", 20);
        write("app/3_2/.checkpoint", 7);
        write("app/kafka-streams-process-metadata", 3);

        Map<String, Long> bytes = StateDirs.bytesPerStore(stateDir);

        assertThat(bytes).containsExactlyInAnyOrderEntriesOf(Map.of(
                "route-cardinality-store", 160L,
                "logins-by-source-store", 1_020L,
                StateDirs.TASK_FILES, 7L));
    }

    @Test
    void shouldCountTheEntriesOfEveryColumnFamilyOfAStoresDatabases() throws Exception {
        put(stateDir.resolve("app/0_0/rocksdb/rules-state-store"), 3);
        put(stateDir.resolve("app/3_0/logins-by-user-store/logins-by-user-store.1"), 5);
        put(stateDir.resolve("app/3_1/logins-by-user-store/logins-by-user-store.2"), 2);

        assertThat(StateDirs.entriesPerStore(stateDir)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "rules-state-store", 3L + 1,
                "logins-by-user-store", 5L + 1 + 2 + 1));
    }

    @Test
    void shouldReportNothingForAMissingStateDirectory() {
        assertThat(StateDirs.bytesPerStore(stateDir.resolve("absent"))).isEmpty();
        assertThat(StateDirs.entriesPerStore(stateDir.resolve("absent"))).isEmpty();
    }

    @Test
    void shouldNameTheStoreOfAFileFromItsPath() {
        assertThat(StateDirs.storeOf(Path.of("app/0_1/rocksdb/rules-state-store/CURRENT"))).isEqualTo("rules-state-store");
        assertThat(StateDirs.storeOf(Path.of("app/2_0/errors-minute-store/errors-minute-store.1/CURRENT"))).isEqualTo("errors-minute-store");
        assertThat(StateDirs.storeOf(Path.of("app/2_0/.lock"))).isEqualTo(StateDirs.TASK_FILES);
        assertThat(StateDirs.storeOf(Path.of("app/meta"))).isNull();
    }

    /** A database with {@code n} keys in its default column family and one in a second one. */
    private static void put(Path dir, int n) throws Exception {
        Files.createDirectories(dir);
        RocksDB.loadLibrary();
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        List<ColumnFamilyDescriptor> families = List.of(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
                new ColumnFamilyDescriptor("keyValueWithTimestamp".getBytes(StandardCharsets.UTF_8)));
        try (DBOptions options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
             RocksDB db = RocksDB.open(options, dir.toString(), families, handles)) {
            for (int i = 0; i < n; i++) {
                db.put(handles.get(0), ("k" + i).getBytes(StandardCharsets.UTF_8), new byte[] {1});
            }
            db.put(handles.get(1), "other".getBytes(StandardCharsets.UTF_8), new byte[] {2});
            handles.forEach(ColumnFamilyHandle::close);
        }
    }

    private void write(String relative, int bytes) throws IOException {
        Path f = stateDir.resolve(relative);
        Files.createDirectories(f.getParent());
        Files.write(f, new byte[bytes]);
    }
}
