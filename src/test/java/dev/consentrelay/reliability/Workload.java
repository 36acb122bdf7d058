package dev.consentrelay.reliability;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import dev.consentrelay.domain.Policy;
import dev.consentrelay.domain.Signal;
import dev.consentrelay.domain.SubjectIdentifier;

/**
 * A seeded, reproducible stream of valid signals over a set of subjects. Event times increase with the position in
 * the stream and lie well in the past (so none is "in the future" for the service) yet well within every grant
 * lifetime (so the decisions do not depend on the exact processing time): the service, which decides with the wall
 * clock, and the reference, which decides with a fixed instant, must agree.
 */
final class Workload {

    static final List<String> REGIONS = List.of("EU", "UK", "CA", "US-CA", "US-VA", "US-TX");
    static final List<String> PURPOSES = Policy.DEFAULT_PURPOSES;

    private final Random random;
    private final String subjectPrefix;
    private final int subjects;
    private final Instant base;
    private long sequence;

    Workload(long seed, String subjectPrefix, int subjects, Instant base) {
        this.random = new Random(seed);
        this.subjectPrefix = subjectPrefix;
        this.subjects = subjects;
        this.base = base;
    }

    /** A workload whose event times start two hours before now. */
    static Workload startingNow(long seed, String subjectPrefix, int subjects) {
        return new Workload(seed, subjectPrefix, subjects, Instant.now().minus(Duration.ofHours(2)));
    }

    String subject(int index) {
        return subjectPrefix + index;
    }

    /** Region of a subject: stable, so permissions are compared in one law. */
    static String regionOf(int index) {
        return REGIONS.get(Math.floorMod(index * 31, REGIONS.size()));
    }

    List<Signal> next(int count) {
        List<Signal> signals = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            signals.add(next());
        }
        return signals;
    }

    Signal next() {
        int index = random.nextInt(subjects);
        int roll = random.nextInt(100);
        Signal.Kind kind = roll < 35
                ? Signal.Kind.OPT_OUT
                : roll < 70
                        ? Signal.Kind.OPT_IN
                        : roll < 82 ? Signal.Kind.WITHDRAWAL : roll < 97 ? Signal.Kind.GPC : Signal.Kind.ERASURE;
        Set<String> purposes = new TreeSet<>();
        if (kind == Signal.Kind.OPT_IN || (kind != Signal.Kind.GPC && kind != Signal.Kind.ERASURE
                && random.nextInt(10) > 0)) {
            int n = 1 + random.nextInt(2);
            for (int p = 0; p < n; p++) {
                purposes.add(PURPOSES.get(random.nextInt(PURPOSES.size())));
            }
        }
        String method = switch (kind) {
            case OPT_IN -> "toggle";
            case GPC -> "header:Sec-GPC";
            default -> "link";
        };
        Signal.Source source = kind == Signal.Kind.GPC ? Signal.Source.BROWSER_GPC : Signal.Source.PREFERENCE_CENTER;
        boolean erase = kind == Signal.Kind.WITHDRAWAL && random.nextInt(5) == 0;
        return signal(index, kind, purposes, method, source, erase, base.plusMillis(10 * sequence++));
    }

    /** One signal for subject {@code index} at {@code occurredAt}. */
    Signal signal(int index, Signal.Kind kind, Set<String> purposes, String method, Signal.Source source,
            boolean erase, Instant occurredAt) {
        List<SubjectIdentifier> identifiers = List.of(
                new SubjectIdentifier("device_id", "dev-" + subjectPrefix + index),
                new SubjectIdentifier("email_sha256",
                        "%064x".formatted(Integer.toUnsignedLong((subjectPrefix + index).hashCode()))));
        return new Signal(new UUID(random.nextLong(), random.nextLong()).toString(), subject(index),
                identifiers, kind, purposes, regionOf(index), source, method, Policy.DEFAULT_VERSION, occurredAt,
                occurredAt.plusMillis(1), erase);
    }

    /** The event time the next generated signal gets. */
    Instant nextOccurredAt() {
        return base.plusMillis(10 * sequence);
    }
}
