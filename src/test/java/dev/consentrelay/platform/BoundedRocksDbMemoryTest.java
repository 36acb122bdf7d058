package dev.consentrelay.platform;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
