package dev.consentrelay.reliability;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import dev.consentrelay.domain.ConsentSignal;
import dev.consentrelay.domain.Identifier;
import dev.consentrelay.domain.Policy;
import dev.consentrelay.domain.SignalKind;
import dev.consentrelay.domain.SignalSource;

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

    List<ConsentSignal> next(int count) {
        List<ConsentSignal> signals = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            signals.add(next());
        }
        return signals;
    }

    ConsentSignal next() {
        int index = random.nextInt(subjects);
        int roll = random.nextInt(100);
        SignalKind kind = roll < 35
                ? SignalKind.OPT_OUT
                : roll < 70
                        ? SignalKind.OPT_IN
                        : roll < 82 ? SignalKind.WITHDRAWAL : roll < 97 ? SignalKind.GPC : SignalKind.ERASURE;
        Set<String> purposes = new TreeSet<>();
        if (kind == SignalKind.OPT_IN || (kind != SignalKind.GPC && kind != SignalKind.ERASURE
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
        SignalSource source = kind == SignalKind.GPC ? SignalSource.BROWSER_GPC : SignalSource.PREFERENCE_CENTER;
        boolean erase = kind == SignalKind.WITHDRAWAL && random.nextInt(5) == 0;
        return signal(index, kind, purposes, method, source, erase, base.plusMillis(10 * sequence++));
    }

    /** One signal for subject {@code index} at {@code occurredAt}. */
    ConsentSignal signal(int index, SignalKind kind, Set<String> purposes, String method, SignalSource source,
            boolean erase, Instant occurredAt) {
        List<Identifier> identifiers = List.of(new Identifier("device_id", "dev-" + subjectPrefix + index),
                new Identifier("email_sha256",
                        "%064x".formatted(Integer.toUnsignedLong((subjectPrefix + index).hashCode()))));
        return new ConsentSignal(new UUID(random.nextLong(), random.nextLong()).toString(), subject(index),
                identifiers, kind, purposes, regionOf(index), source, method, Policy.DEFAULT_VERSION, occurredAt,
                occurredAt.plusMillis(1), erase);
    }

    /** The event time the next generated signal gets. */
    Instant nextOccurredAt() {
        return base.plusMillis(10 * sequence);
    }
}
