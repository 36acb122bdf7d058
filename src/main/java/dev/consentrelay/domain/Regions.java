package dev.consentrelay.domain;

import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Region codes ({@code EU}, {@code UK}, {@code CA}, {@code US-CA}) and region patterns: an exact code, a prefix
 * wildcard ({@code US-*}, any prefix of upper-case letters, digits and '-') or {@code *} for every region, including
 * an unknown one.
 */
public final class Regions {

    private static final Pattern WILDCARD = Pattern.compile("^[A-Z0-9-]*\\*$");

    private Regions() {
    }

    public static boolean isValidCode(String region) {
        return Syntax.isRegionCode(region);
    }

    public static boolean isValidPattern(String pattern) {
        return pattern != null && (Syntax.isRegionCode(pattern) || WILDCARD.matcher(pattern).matches());
    }

    /** {@code null} for a blank region, else the region as given. */
    public static String normalize(String region) {
        return Copies.isBlank(region) ? null : region.trim();
    }

    /**
     * Whether {@code pattern} covers {@code region}: equal codes, a prefix wildcard whose prefix starts the region, or
     * {@code *}. Only {@code *} covers an unknown (blank) region.
     */
    public static boolean matches(String pattern, String region) {
        String code = normalize(region);
        if ("*".equals(pattern)) {
            return true;
        }
        if (code == null || pattern == null) {
            return false;
        }
        if (pattern.endsWith("*")) {
            int prefix = pattern.length() - 1;
            return code.length() >= prefix && code.regionMatches(0, pattern, 0, prefix);
        }
        return pattern.equals(code);
    }

    /**
     * The entry for the most specific pattern that covers the region and satisfies {@code accept}: the exact code
     * first, then the longest matching wildcard.
     */
    public static <V> Optional<V> lookup(Map<String, V> byPattern, String region, Predicate<V> accept) {
        String code = normalize(region);
        if (code != null) {
            V exact = byPattern.get(code);
            if (exact != null && accept.test(exact)) {
                return Optional.of(exact);
            }
        }
        String best = null;
        for (Map.Entry<String, V> entry : byPattern.entrySet()) {
            String pattern = entry.getKey();
            if (pattern.endsWith("*") && matches(pattern, code) && accept.test(entry.getValue())
                    && (best == null || pattern.length() > best.length())) {
                best = pattern;
            }
        }
        return best == null ? Optional.empty() : Optional.of(byPattern.get(best));
    }

    /** The region for display: the code, or {@code unknown region}. */
    static String describe(String region) {
        String code = normalize(region);
        return code == null ? "unknown region" : code;
    }
}
