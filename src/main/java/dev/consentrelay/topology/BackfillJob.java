package dev.consentrelay.topology;

import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * One vendor's backfill in one task: which purposes, how far the walk of the consent table got, and what it did.
 * Stored in {@link StoreNames#VENDOR_BACKFILL} under {@link #key}, encoded as one line of text so the store needs no
 * schema.
 *
 * @param backfillId the backfill, named after the vendor, its purposes and when this task detected the change
 * @param vendorId the vendor
 * @param purposes the purposes being backfilled
 * @param startedAt when the task started it
 * @param cursor the last subject looked at; {@code null} before the first
 * @param scanned subjects looked at
 * @param issued commands issued
 * @param finishedAt when the walk reached the end; {@code null} while running
 */
public record BackfillJob(String backfillId, String vendorId, Set<String> purposes, Instant startedAt, String cursor,
        long scanned, long issued, Instant finishedAt) {

    private static final String PREFIX = "job|";
    private static final String SEP = "\t";

    public BackfillJob {
        purposes = Set.copyOf(new TreeSet<>(purposes));
    }

    /** The store key of a vendor's job. */
    public static String key(String vendorId) {
        return PREFIX + vendorId;
    }

    /** The first key of the jobs in the store, for range scans. */
    public static String firstKey() {
        return PREFIX;
    }

    /** The key just past the jobs, for range scans. */
    public static String lastKey() {
        return "job}";
    }

    public boolean done() {
        return finishedAt != null;
    }

    /** The job after one more batch. */
    public BackfillJob advance(String newCursor, long moreScanned, long moreIssued, Instant finished) {
        return new BackfillJob(backfillId, vendorId, purposes, startedAt, newCursor, scanned + moreScanned,
                issued + moreIssued, finished);
    }

    /** One line: fields separated by tabs, purposes by commas. */
    public String encode() {
        return String.join(SEP, "v1", backfillId, vendorId, String.join(",", new TreeSet<>(purposes)),
                String.valueOf(startedAt.toEpochMilli()), cursor == null ? "" : cursor, String.valueOf(scanned),
                String.valueOf(issued), finishedAt == null ? "" : String.valueOf(finishedAt.toEpochMilli()));
    }

    /** The job encoded by {@link #encode}. */
    public static BackfillJob decode(String text) {
        String[] f = text.split(SEP, -1);
        if (f.length != 9 || !"v1".equals(f[0])) {
            throw new IllegalArgumentException("Not a backfill job: " + text);
        }
        return new BackfillJob(f[1], f[2],
                f[3].isEmpty() ? Set.of() : new TreeSet<>(Arrays.asList(f[3].split(","))),
                Instant.ofEpochMilli(Long.parseLong(f[4])), f[5].isEmpty() ? null : f[5], Long.parseLong(f[6]),
                Long.parseLong(f[7]), f[8].isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(f[8])));
    }
}
