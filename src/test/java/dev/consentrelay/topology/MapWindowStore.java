package dev.consentrelay.topology;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.TreeMap;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * A map-backed window store for processor tests. Kafka's own in-memory window store needs the internal processor
 * context of a running task and refuses {@code MockProcessorContext}, so this stands in for it: one value per key and
 * window start ({@code retainDuplicates=false}), a {@code null} value deletes. Only the single-key lookups the
 * processors use are supported.
 */
final class MapWindowStore<V> implements WindowStore<String, V> {

    private final String name;
    private final Map<String, NavigableMap<Long, V>> byKey = new TreeMap<>();
    private boolean open;

    MapWindowStore(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        context.register(root, (key, value) -> {
        });
        open = true;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        open = false;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void put(String key, V value, long windowStartTimestamp) {
        if (value == null) {
            NavigableMap<Long, V> windows = byKey.get(key);
            if (windows != null) {
                windows.remove(windowStartTimestamp);
            }
            return;
        }
        byKey.computeIfAbsent(key, k -> new TreeMap<>()).put(windowStartTimestamp, value);
    }

    @Override
    public V fetch(String key, long time) {
        NavigableMap<Long, V> windows = byKey.get(key);
        return windows == null ? null : windows.get(time);
    }

    @Override
    public WindowStoreIterator<V> fetch(String key, long timeFrom, long timeTo) {
        NavigableMap<Long, V> windows = byKey.getOrDefault(key, new TreeMap<>());
        List<KeyValue<Long, V>> hits = new ArrayList<>();
        if (timeFrom <= timeTo) {
            windows.subMap(timeFrom, true, timeTo, true).forEach((at, value) -> hits.add(KeyValue.pair(at, value)));
        }
        return new ListIterator<>(hits);
    }

    @Override
    public KeyValueIterator<Windowed<String>, V> fetch(String keyFrom, String keyTo, long timeFrom, long timeTo) {
        throw new UnsupportedOperationException("key-range fetch is not used by the processors");
    }

    @Override
    public KeyValueIterator<Windowed<String>, V> fetchAll(long timeFrom, long timeTo) {
        throw new UnsupportedOperationException("fetchAll is not used by the processors");
    }

    @Override
    public KeyValueIterator<Windowed<String>, V> all() {
        throw new UnsupportedOperationException("all is not used by the processors");
    }

    private static final class ListIterator<V> implements WindowStoreIterator<V> {
        private final Iterator<KeyValue<Long, V>> it;
        private final List<KeyValue<Long, V>> items;
        private int position;

        ListIterator(List<KeyValue<Long, V>> items) {
            this.items = items;
            this.it = items.iterator();
        }

        @Override
        public boolean hasNext() {
            return it.hasNext();
        }

        @Override
        public KeyValue<Long, V> next() {
            KeyValue<Long, V> next = it.next();
            position++;
            return next;
        }

        @Override
        public Long peekNextKey() {
            if (position >= items.size()) {
                throw new NoSuchElementException();
            }
            return items.get(position).key;
        }

        @Override
        public void close() {
        }
    }
}
