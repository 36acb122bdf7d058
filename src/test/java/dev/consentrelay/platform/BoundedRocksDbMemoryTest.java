package dev.consentrelay.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The RocksDB settings every store gets: small memtables, cached index and filter blocks, sizes from the config. */
class BoundedRocksDbMemoryTest {

    @Test
    void shouldGiveEachStoreSmallMemtablesAndCachedIndexBlocks() {
        RocksDB.loadLibrary();
        try (Options options = new Options()) {
            options.setTableFormatConfig(new BlockBasedTableConfig());
            new BoundedRocksDbMemory().setConfig("consent-table", options,
                    Map.of(BoundedRocksDbMemory.TOTAL_BYTES, "33554432"));

            assertThat(options.writeBufferSize()).isEqualTo(4L * 1024 * 1024);
            assertThat(options.maxWriteBufferNumber()).isEqualTo(2);
            assertThat(options.level0FileNumCompactionTrigger()).as("sorted runs before a universal compaction")
                    .isEqualTo(8);
            BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
            assertThat(table.cacheIndexAndFilterBlocks()).isTrue();
            assertThat(table.pinTopLevelIndexAndFilter()).isTrue();
            assertThat(table.blockSize()).isEqualTo(16L * 1024);
        }
    }

    /** Thread priorities are read from {@code /proc}, Linux's. */
    @Test
    @EnabledOnOs(OS.LINUX)
    void shouldRunCompactionsAtLowCpuPriorityAndFlushesAtNormal(@TempDir Path dir)
            throws RocksDBException, IOException {
        RocksDB.loadLibrary();
        try (Options options = new Options().setCreateIfMissing(true)) {
            options.setTableFormatConfig(new BlockBasedTableConfig());
            new BoundedRocksDbMemory().setConfig("consent-table", options, Map.of());
            try (RocksDB db = RocksDB.open(options, dir.toString()); FlushOptions flush = new FlushOptions()) {
                // One sorted run per flush: more than the trigger makes RocksDB compact them in the background.
                for (int run = 0; run <= BoundedRocksDbMemory.SORTED_RUNS_BEFORE_COMPACTION; run++) {
                    for (int i = 0; i < 100; i++) {
                        db.put(("subject-" + i).getBytes(StandardCharsets.UTF_8),
                                ("run-" + run).getBytes(StandardCharsets.UTF_8));
                    }
                    db.flush(flush.setWaitForFlush(true));
                }

                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(niceOf("rocksdb:low"))
                        .as("nice values of the compaction threads").contains(19));
                assertThat(niceOf("rocksdb:high")).as("nice values of the flush threads").isNotEmpty()
                        .doesNotContain(19);
                assertThat(db.get("subject-7".getBytes(StandardCharsets.UTF_8)))
                        .isEqualTo(("run-" + BoundedRocksDbMemory.SORTED_RUNS_BEFORE_COMPACTION)
                                .getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** The nice value of each thread of this process whose name starts with {@code prefix}. */
    private static List<Integer> niceOf(String prefix) throws IOException {
        List<Integer> nice = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                // pid (comm) state ppid ... : the fields after the name, the 19th of which (1-based) is nice.
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                if (name.startsWith(prefix)) {
                    nice.add(Integer.parseInt(fields[16]));
                }
            }
        }
        return nice;
    }

    @Test
    void shouldReadSizesAndRefuseNonsense() {
        assertThat(BoundedRocksDbMemory.bytes(Map.of(), BoundedRocksDbMemory.TOTAL_BYTES, 7)).isEqualTo(7);
        assertThat(BoundedRocksDbMemory.bytes(Map.of(BoundedRocksDbMemory.TOTAL_BYTES, " 1048576 "),
                BoundedRocksDbMemory.TOTAL_BYTES, 7)).isEqualTo(1048576);
        assertThatThrownBy(() -> BoundedRocksDbMemory.bytes(Map.of(BoundedRocksDbMemory.MEMTABLE_BYTES, "16MB"),
                BoundedRocksDbMemory.MEMTABLE_BYTES, 7)).hasMessageContaining("must be a number of bytes, got '16MB'");
        assertThatThrownBy(() -> BoundedRocksDbMemory.bytes(Map.of(BoundedRocksDbMemory.MEMTABLE_BYTES, "-1"),
                BoundedRocksDbMemory.MEMTABLE_BYTES, 7)).hasMessageContaining("must be a positive number");
    }
}
