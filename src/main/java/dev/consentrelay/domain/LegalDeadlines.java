package dev.consentrelay.domain;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The legal deadlines by which a refusal must be honoured, per regime, counted from when the signal was received.
 *
 * <table>
 * <caption>Regimes</caption>
 * <tr><th>regime</th><th>applies to</th><th>deadline</th></tr>
 * <tr><td>CCPA</td><td>refusals and erasures in {@code US-*}</td><td>15 business days</td></tr>
 * <tr><td>CAN-SPAM</td><td>refusals of {@code email_marketing} in {@code US-*}</td><td>10 business days</td></tr>
 * <tr><td>CASL</td><td>refusals and erasures in {@code CA}</td><td>10 business days</td></tr>
 * <tr><td>GDPR</td><td>refusals and erasures in {@code EU}, {@code UK}</td><td>one calendar month</td></tr>
 * </table>
 *
 * Business days skip Saturdays and Sundays (public holidays are not counted as such); days are counted in UTC, and
 * the deadline keeps the time of day of the receipt. An opt-in carries no deadline: nothing has to be stopped.
 */
public final class LegalDeadlines {

    /** Email marketing, the purpose CAN-SPAM governs. */
    public static final String EMAIL_MARKETING = "email_marketing";

    /** A legal regime with its deadline rule. */
    public enum Regime {
        /** California Consumer Privacy Act (and the US state laws modelled on it). */
        CCPA("15 business days", 15, 0),
        /** CAN-SPAM Act: email opt-outs. */
        CAN_SPAM("10 business days", 10, 0),
        /** Canada's Anti-Spam Legislation. */
        CASL("10 business days", 10, 0),
        /** General Data Protection Regulation (and the UK GDPR), Art. 12(3). */
        GDPR("one month", 0, 1);

        private final String rule;
        private final int businessDays;
        private final int months;

        Regime(String rule, int businessDays, int months) {
            this.rule = rule;
            this.businessDays = businessDays;
            this.months = months;
        }

        /** How the deadline is defined, e.g. {@code 15 business days}. */
        public String rule() {
            return rule;
        }

        /** The deadline for a signal received at {@code receivedAt}. */
        public Instant deadline(Instant receivedAt) {
            return months > 0
                    ? receivedAt.atZone(ZoneOffset.UTC).plusMonths(months).toInstant()
                    : addBusinessDays(receivedAt, businessDays);
        }
    }

    /** Whether a deadline was met. */
    public enum Compliance {
        /** Completed on or before the deadline. */
        MET,
        /** Completed after the deadline, or not completed and the deadline has passed. */
        MISSED,
        /** Not completed yet, and the deadline is still ahead. */
        PENDING
    }

    /** One regime's deadline for one signal. */
    public record Deadline(Regime regime, Instant due) {
    }

    private LegalDeadlines() {
    }

    /**
     * The regimes that apply to a signal.
     *
     * @param region the subject's region (normalized or not); unknown regions have no regime
     * @param kind the signal's kind
     * @param purposes the purposes it names; empty means every purpose
     */
    public static List<Regime> regimes(String region, Signal.Kind kind, Set<String> purposes) {
        List<Regime> regimes = new ArrayList<>();
        String code = Regions.normalize(region);
        if (kind == null || !kind.isRefusal() || code == null) {
            return regimes;
        }
        if (code.startsWith("US-") || code.equals("US")) {
            regimes.add(Regime.CCPA);
            boolean email = purposes == null || purposes.isEmpty() || purposes.contains(EMAIL_MARKETING);
            if (email && kind != Signal.Kind.GPC) {
                regimes.add(Regime.CAN_SPAM);
            }
        } else if (code.equals("CA")) {
            regimes.add(Regime.CASL);
        } else if (code.equals("EU") || code.equals("UK")) {
            regimes.add(Regime.GDPR);
        }
        return regimes;
    }

    /** The deadline of each regime that applies to a signal received at {@code receivedAt}. */
    public static List<Deadline> deadlines(String region, Signal.Kind kind, Set<String> purposes, Instant receivedAt) {
        return regimes(region, kind, purposes).stream().map(r -> new Deadline(r, r.deadline(receivedAt))).toList();
    }

    /**
     * Whether a deadline was met.
     *
     * @param due the deadline
     * @param completedAt when the obligation was fulfilled; {@code null} when it is not yet
     * @param now the time of the question
     */
    public static Compliance compliance(Instant due, Instant completedAt, Instant now) {
        if (completedAt != null) {
            return completedAt.isAfter(due) ? Compliance.MISSED : Compliance.MET;
        }
        return now.isAfter(due) ? Compliance.MISSED : Compliance.PENDING;
    }

    /**
     * {@code days} business days after {@code from} (UTC): each Monday to Friday after the start day counts one, and
     * the time of day is kept. A start on a weekend counts the same way: Saturday + 1 business day is Monday.
     */
    public static Instant addBusinessDays(Instant from, int days) {
        if (days < 0) {
            throw new IllegalArgumentException("days must not be negative: " + days);
        }
        ZonedDateTime at = from.atZone(ZoneOffset.UTC);
        LocalDate date = at.toLocalDate();
        int left = days;
        while (left > 0) {
            date = date.plusDays(1);
            if (isBusinessDay(date)) {
                left--;
            }
        }
        return date.atTime(at.toLocalTime()).toInstant(ZoneOffset.UTC);
    }

    /** Monday to Friday. */
    public static boolean isBusinessDay(LocalDate date) {
        DayOfWeek day = date.getDayOfWeek();
        return day != DayOfWeek.SATURDAY && day != DayOfWeek.SUNDAY;
    }
}
