package dev.consentrelay.connector;

import java.util.Arrays;
import java.util.UUID;

/**
 * The commandIds one vendor's connector has acknowledged recently, so a redelivered command (after a crash or a
 * rebalance, or produced twice) is skipped instead of delivered again. Bounded: the oldest ids are forgotten first;
 * a forgotten one would be delivered again with the same {@code Idempotency-Key}, which the vendor can de-duplicate.
 *
 * <p>Every connector keeps up to {@code consent-relay.connectors.acked-capacity} ids (16,384 by default), so the
 * ids are held as primitives: a ring of their two halves in the order they came, and an open-addressing table of ring
 * positions (linear probing, at most half full) to find them. About 26 bytes per id, against some 80 for a
 * {@code LinkedHashMap<UUID, ?>} entry. Both arrays start small and double up to the capacity.
 */
public final class AckedCommands {

    private static final int EMPTY = -1;
    private static final int INITIAL = 1024;
    private static final int MAX_CAPACITY = 1 << 28;

    private final int capacity;
    private long[] most;
    private long[] least;
    private int head;
    private int size;
    private int[] table;
    private int mask;

    public AckedCommands(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        if (capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity must be at most " + MAX_CAPACITY);
        }
        this.capacity = capacity;
        allocate(Math.min(capacity, INITIAL));
    }

    /** Remembers an id; when full, the id remembered first is forgotten. An id already held keeps its place. */
    public synchronized void add(UUID commandId) {
        long m = commandId.getMostSignificantBits();
        long l = commandId.getLeastSignificantBits();
        if (find(m, l) != EMPTY) {
            return;
        }
        if (size == most.length) {
            if (most.length < capacity) {
                grow();
            } else {
                delete(find(most[head], least[head]));
                head = (head + 1) % most.length;
                size--;
            }
        }
        int position = (head + size) % most.length;
        most[position] = m;
        least[position] = l;
        size++;
        insert(position);
    }

    public synchronized boolean contains(UUID commandId) {
        return find(commandId.getMostSignificantBits(), commandId.getLeastSignificantBits()) != EMPTY;
    }

    public synchronized int size() {
        return size;
    }

    /** How many ids it keeps at most. */
    public int capacity() {
        return capacity;
    }

    private void allocate(int length) {
        most = new long[length];
        least = new long[length];
        table = new int[Integer.highestOneBit(length * 2 - 1) << 1];
        Arrays.fill(table, EMPTY);
        mask = table.length - 1;
    }

    /** Doubles the ring (eldest first again) and rebuilds the table for it. */
    private void grow() {
        long[] oldMost = most;
        long[] oldLeast = least;
        allocate((int) Math.min(capacity, 2L * oldMost.length));
        for (int i = 0; i < size; i++) {
            most[i] = oldMost[(head + i) % oldMost.length];
            least[i] = oldLeast[(head + i) % oldLeast.length];
            insert(i);
        }
        head = 0;
    }

    /** The table slot holding the ring position of this id, or {@link #EMPTY}. */
    private int find(long m, long l) {
        for (int slot = home(m, l);; slot = (slot + 1) & mask) {
            int position = table[slot];
            if (position == EMPTY) {
                return EMPTY;
            }
            if (most[position] == m && least[position] == l) {
                return slot;
            }
        }
    }

    private void insert(int position) {
        int slot = home(most[position], least[position]);
        while (table[slot] != EMPTY) {
            slot = (slot + 1) & mask;
        }
        table[slot] = position;
    }

    /** Empties a slot and moves back the entries after it that would otherwise no longer be found. */
    private void delete(int slot) {
        int gap = slot;
        for (int next = (gap + 1) & mask; table[next] != EMPTY; next = (next + 1) & mask) {
            int position = table[next];
            int home = home(most[position], least[position]);
            boolean staysPut = gap <= next ? home > gap && home <= next : home > gap || home <= next;
            if (!staysPut) {
                table[gap] = position;
                gap = next;
            }
        }
        table[gap] = EMPTY;
    }

    private int home(long m, long l) {
        long h = (m ^ Long.rotateLeft(l, 32)) * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & mask;
    }
}
