package dev.consentrelay.ingest;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import dev.consentrelay.domain.Signal;

/**
 * Turns a browser request carrying the W3C Global Privacy Control header into a GPC signal. Per the GPC
 * specification only the value {@code 1} expresses a preference; anything else, or no header, is no signal.
 */
public final class GpcCapture {

    /** The request header of the GPC specification. */
    public static final String HEADER = "Sec-GPC";
    /** The method recorded on captured signals. */
    public static final String METHOD = "header:Sec-GPC";

    /** ISO 3166-1 codes of the EU member states, which share the region {@code EU}. */
    private static final Set<String> EU = Set.of("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE",
            "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE");
    private static final Pattern COUNTRY = Pattern.compile("^[A-Z]{2}$");
    private static final Pattern SUBDIVISION = Pattern.compile("^[A-Z0-9]{1,3}$");
    private static final int MAX_SUBJECT_LENGTH = 256;

    private GpcCapture() {
    }

    /** Whether the header value expresses a Global Privacy Control preference: exactly {@code 1}. */
    public static boolean isGpcOn(String headerValue) {
        return "1".equals(headerValue == null ? null : headerValue.trim());
    }

    /**
     * The subject id: the first non-blank of header, cookie and query parameter; empty when none is usable.
     */
    public static Optional<String> subject(String header, String cookie, String queryParam) {
        for (String candidate : new String[]{header, cookie, queryParam}) {
            if (candidate != null && !candidate.isBlank() && candidate.trim().length() <= MAX_SUBJECT_LENGTH) {
                return Optional.of(candidate.trim());
            }
        }
        return Optional.empty();
    }

    /**
     * The consent region of a CDN's geo headers: the EU member states are {@code EU}, {@code GB} is {@code UK}, a US
     * state is {@code US-<state>} ({@code US} + {@code CA} gives {@code US-CA}), any other country its own code.
     * Unknown or placeholder values ({@code XX}, {@code T1} for Tor) give no region, which gets the stricter model.
     */
    public static String region(String country, String subdivision) {
        if (country == null) {
            return null;
        }
        String code = country.trim().toUpperCase(Locale.ROOT);
        if (!COUNTRY.matcher(code).matches() || code.equals("XX")) {
            return null;
        }
        if (EU.contains(code)) {
            return "EU";
        }
        if (code.equals("GB")) {
            return "UK";
        }
        if (code.equals("US")) {
            String state = subdivision == null ? "" : subdivision.trim().toUpperCase(Locale.ROOT);
            if (state.startsWith("US-")) {
                state = state.substring(3);
            }
            return SUBDIVISION.matcher(state).matches() ? "US-" + state : "US";
        }
        return code;
    }

    /** A GPC signal for the subject, with a random id: each capture is its own event. */
    public static Signal signal(String subjectId, String region, Instant now) {
        return new Signal(UUID.randomUUID().toString(), subjectId, List.of(), Signal.Kind.GPC, Set.of(), region,
                Signal.Source.BROWSER_GPC, METHOD, null, now, now, false);
    }
}
