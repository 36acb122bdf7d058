package dev.consentrelay.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

import dev.consentrelay.avro.AvroMapper;
import dev.consentrelay.domain.Signal;
import dev.consentrelay.domain.SubjectIdentifier;
import dev.consentrelay.schema.ConsentSignal;

/**
 * Makes the benchmark's signals: one preload signal per subject, then a realistic mix for the measured phases.
 * Subjects are spread over regions with different consent models, so the same kind of signal changes something for
 * some subjects and nothing for others, as in production.
 */
final class SignalFactory {

    /** Share of each kind in the measured mix, in percent, cumulative order: see {@link #next}. */
    static final String MIX = "35% opt-out, 15% withdrawal, 15% GPC, 20% opt-in, 2% erasure, 5% duplicates,"
            + " 8% late arrivals (occurredAt 3 days old)";

    private static final String[] REGIONS = {"EU", "US-CA", "EU", "US-CA", "UK", "US-TX", "CA", "US-VA", "EU",
            "US-CO"};
    private static final List<String> PURPOSES = List.of("email_marketing", "sms_marketing", "analytics",
            "advertising", "profiling", "sale_sharing", "personalization", "third_party_sharing");
    private static final String POLICY_VERSION = "2026-11-01";

    private final String runId;
    private final long subjects;
    private final Instant base = Instant.now();
    private final SplittableRandom random;
    private ConsentSignal last;

    SignalFactory(String runId, long subjects, long seed) {
        this.runId = runId;
        this.subjects = subjects;
        this.random = new SplittableRandom(seed);
    }

    /** A signal as produced by the mix, and whether it repeats an earlier one (same signal id). */
    record Generated(ConsentSignal signal, boolean duplicate) {
        String signalId() {
            return String.valueOf(signal.getSignalId());
        }

        String subjectId() {
            return signal.getSubjectId();
        }
    }

    String subjectId(long index) {
        return runId + "-s" + index;
    }

    /** Preload: 70% of subjects opt in to four purposes, the rest opt out of sale/sharing; a day ago. */
    ConsentSignal preload(long index) {
        Instant at = base.minus(Duration.ofDays(1)).plusMillis(index % 86_400_000L);
        if (index % 10 < 7) {
            return signal(index, Signal.Kind.OPT_IN, Set.of("email_marketing", "analytics", "advertising",
                    "personalization"), Signal.Source.PREFERENCE_CENTER, "toggle", at, false);
        }
        return signal(index, Signal.Kind.OPT_OUT, Set.of("sale_sharing"), Signal.Source.WEB_BANNER, "link", at, false);
    }

    /** The next signal of the realistic mix ({@link #MIX}) for a random subject, occurring now. */
    Generated next() {
        int roll = random.nextInt(100);
        if (roll >= 87 && roll < 92 && last != null) {
            return new Generated(last, true);
        }
        long index = random.nextLong(subjects);
        Instant now = Instant.now();
        ConsentSignal signal;
        if (roll < 35) {
            Set<String> purposes = random.nextInt(10) == 0 ? Set.of() : somePurposes();
            signal = signal(index, Signal.Kind.OPT_OUT, purposes, Signal.Source.WEB_BANNER, "toggle", now, false);
        } else if (roll < 50) {
            signal = signal(index, Signal.Kind.WITHDRAWAL, somePurposes(), Signal.Source.PREFERENCE_CENTER, "toggle",
                    now, random.nextInt(10) == 0);
        } else if (roll < 65) {
            signal = signal(index, Signal.Kind.GPC, Set.of(), Signal.Source.BROWSER_GPC, "header:Sec-GPC", now, false);
        } else if (roll < 85) {
            signal = signal(index, Signal.Kind.OPT_IN, somePurposes(), Signal.Source.PREFERENCE_CENTER, "toggle", now,
                    false);
        } else if (roll < 92) {
            // ERASURE (and the duplicate slot before anything was sent)
            signal = signal(index, Signal.Kind.ERASURE, Set.of(), Signal.Source.SUPPORT, "written", now, false);
        } else {
            signal = signal(index, Signal.Kind.OPT_OUT, somePurposes(), Signal.Source.CRM_IMPORT, "link",
                    now.minus(Duration.ofDays(3)), false);
        }
        last = signal;
        return new Generated(signal, false);
    }

    /** Refusals for the max-throughput phase: opt-outs, withdrawals and GPC for random subjects. */
    ConsentSignal refusal() {
        long index = random.nextLong(subjects);
        Instant now = Instant.now();
        return switch (random.nextInt(3)) {
            case 0 ->
                signal(index, Signal.Kind.OPT_OUT, somePurposes(), Signal.Source.WEB_BANNER, "toggle", now, false);
            case 1 -> signal(index, Signal.Kind.WITHDRAWAL, somePurposes(), Signal.Source.PREFERENCE_CENTER, "toggle",
                    now, false);
            default -> signal(index, Signal.Kind.GPC, Set.of(), Signal.Source.BROWSER_GPC, "header:Sec-GPC", now,
                    false);
        };
    }

    /** An opt-out of everything for a new subject in an opt-out region: it always issues commands. */
    ConsentSignal probe(String subjectId) {
        return AvroMapper.toAvro(new Signal(UUID.randomUUID().toString(), subjectId, List.of(new SubjectIdentifier(
                "device_id", "probe")), Signal.Kind.OPT_OUT, Set.of(), "US-CA", Signal.Source.API, "api",
                POLICY_VERSION, Instant.now(), null, false));
    }

    private Set<String> somePurposes() {
        String first = PURPOSES.get(random.nextInt(PURPOSES.size()));
        if (random.nextBoolean()) {
            return Set.of(first);
        }
        String second = PURPOSES.get(random.nextInt(PURPOSES.size()));
        return second.equals(first) ? Set.of(first) : Set.of(first, second);
    }

    private ConsentSignal signal(long index, Signal.Kind kind, Set<String> purposes,
            Signal.Source source, String method, Instant occurredAt, boolean erase) {
        String subject = subjectId(index);
        List<SubjectIdentifier> identifiers = List.of(new SubjectIdentifier("device_id", "dev-" + subject),
                new SubjectIdentifier("email_sha256", "%064x".formatted(index * 0x9E3779B97F4A7C15L)),
                new SubjectIdentifier("crm_id", "crm-" + index));
        return AvroMapper.toAvro(new Signal(UUID.randomUUID().toString(), subject, identifiers, kind, purposes,
                REGIONS[(int) (index % REGIONS.length)], source, method, POLICY_VERSION, occurredAt, null, erase));
    }
}
