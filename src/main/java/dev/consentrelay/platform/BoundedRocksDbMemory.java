package dev.consentrelay.platform;

import java.util.Map;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.Priority;
import org.rocksdb.WriteBufferManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the off-heap memory of every RocksDB store of the service together: one block cache shared by all stores
 * (index and filter blocks included, so they count too) and one write-buffer manager charging the memtables to that
 * cache. Without it each store instance takes its own 50 MiB cache and up to three 16 MiB memtables, which, with a
 * dozen stores times the partitions of a task, is more than the whole container.
 * <p>
 * Sizes come from the Kafka Streams configuration ({@code kafka-streams.consent-relay.rocksdb.*} in
 * {@code application.properties}): {@value #TOTAL_BYTES} (default {@value #DEFAULT_TOTAL_BYTES} bytes) for the
 * cache including memtables, {@value #MEMTABLE_BYTES} (default {@value #DEFAULT_MEMTABLE_BYTES}) for the memtables'
 * share. They are read once per process: the cache is shared by every store and every stream thread.
 */
public class BoundedRocksDbMemory implements RocksDBConfigSetter {

    /** Total off-heap bytes of the shared block cache, memtables included. */
    public static final String TOTAL_BYTES = "consent-relay.rocksdb.total-off-heap-bytes";
    /** Bytes of the cache the memtables may use. */
    public static final String MEMTABLE_BYTES = "consent-relay.rocksdb.memtable-bytes";
    static final long DEFAULT_TOTAL_BYTES = 32L * 1024 * 1024;
    static final long DEFAULT_MEMTABLE_BYTES = 16L * 1024 * 1024;
    /** Share of the cache kept for index and filter blocks, so data blocks cannot evict them. */
    private static final double INDEX_FILTER_RATIO = 0.1;
    private static final long BLOCK_SIZE = 16L * 1024;
    private static final long MEMTABLE_SIZE = 4L * 1024 * 1024;
    /**
     * Sorted runs a store may hold before universal compaction merges them (RocksDB's default: 4). The shared
     * write-buffer budget flushes small memtables often; merging every four of them made compaction take a third of
     * a core at 1,000,000 subjects. A point read looks at more runs, each first through its cached bloom filter.
     */
    static final int SORTED_RUNS_BEFORE_COMPACTION = 8;

    private static final Logger LOG = LoggerFactory.getLogger(BoundedRocksDbMemory.class);

    private static Cache cache;
    private static WriteBufferManager writeBuffers;

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        synchronized (BoundedRocksDbMemory.class) {
            if (cache == null) {
                long total = bytes(configs, TOTAL_BYTES, DEFAULT_TOTAL_BYTES);
                long memtables = Math.min(bytes(configs, MEMTABLE_BYTES, DEFAULT_MEMTABLE_BYTES), total / 2);
                cache = new LRUCache(total, -1, false, INDEX_FILTER_RATIO);
                writeBuffers = new WriteBufferManager(memtables, cache);
                LOG.info("RocksDB stores share a {} MiB block cache, of which {} MiB for memtables; compactions run at"
                        + " low CPU priority", total / (1024 * 1024), memtables / (1024 * 1024));
            }
            table.setBlockCache(cache);
            options.setWriteBufferManager(writeBuffers);
        }
        // Compactions wait for a spare core: a long merge of the consent table at normal priority took half a core
        // from the stream thread for seconds, the open loop's worst stall. Flushes keep their priority (a full
        // memtable stops writes), and a compaction still runs on any idle core.
        options.getEnv().lowerThreadPoolCPUPriority(Priority.LOW);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        table.setBlockSize(BLOCK_SIZE);
        options.setTableFormatConfig(table);
        options.setWriteBufferSize(MEMTABLE_SIZE);
        options.setMaxWriteBufferNumber(2);
        options.setLevel0FileNumCompactionTrigger(SORTED_RUNS_BEFORE_COMPACTION);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write-buffer manager are shared by every store: they live as long as the process.
    }

    static long bytes(Map<String, Object> configs, String key, long fallback) {
        Object value = configs.get(key);
        if (value == null || value.toString().isBlank()) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.toString().trim());
            if (parsed <= 0) {
                throw new IllegalArgumentException(key + " must be a positive number of bytes, got " + value);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number of bytes, got '" + value + "'", e);
        }
    }
}
