package dev.consentrelay.domain;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A vendor as written by people (the vendors file, the admin API): text fields, validated into a {@link Vendor}.
 * Fields left {@code null} take the defaults of the vendors file.
 *
 * @param id lower case letters, digits, '-' or '_' (it names the command topic)
 * @param name display name; the id when absent
 * @param kind {@code VENDOR} (default) or {@code SUB_PROCESSOR}
 * @param parent for a sub-processor, the vendor it works for
 * @param purposes purposes it processes
 * @param regions regions it serves; empty means every region
 * @param actions actions its connector supports; {@code SUPPRESS, DELETE} by default
 * @param identifiers identifier types it needs; empty means all
 * @param sla ISO-8601 ({@code PT1H}) or short ({@code 90s}, {@code 15m}, {@code 1h}, {@code 2d}); {@code PT1H} default
 * @param enabled {@code true} by default
 */
public record VendorSpec(String id, String name, String kind, String parent, List<String> purposes,
        List<String> regions, List<String> actions, List<String> identifiers, String sla, Boolean enabled) {

    private static final Pattern VENDOR_ID = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,62}$");

    /**
     * Every problem of the spec, each naming the field as {@code where.field: why}; empty when it is valid.
     *
     * @param where how to name the vendor in messages, e.g. {@code vendors[0] (mailer)}; fields follow a dot
     */
    public List<String> problems(String where, Policy policy) {
        List<String> problems = new ArrayList<>();
        String prefix = where == null || where.isEmpty() ? "" : where + ".";
        if (id == null || !VENDOR_ID.matcher(id).matches()) {
            problems.add(prefix + "id: required, lower case letters, digits, '-' or '_' (it names the topic)");
        }
        Vendor.Kind vendorKind = Vendor.Kind.VENDOR;
        if (kind != null) {
            try {
                vendorKind = Vendor.Kind.valueOf(kind.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add(prefix + "kind: '" + kind + "' is not VENDOR or SUB_PROCESSOR");
            }
        }
        if (vendorKind == Vendor.Kind.SUB_PROCESSOR && (parent == null || parent.isBlank())) {
            problems.add(prefix + "parent: a sub-processor names the vendor it works for");
        }
        for (String purpose : orEmpty(purposes)) {
            if (!policy.isKnownPurpose(purpose)) {
                problems.add(prefix + "purposes: unknown purpose '" + purpose + "' (known: " + policy.purposes() + ")");
            }
        }
        for (String region : orEmpty(regions)) {
            if (region == null || !Regions.isValidPattern(region.trim())) {
                problems.add(prefix + "regions: '" + region + "' is not a region code or pattern (EU, US-CA, US-*)");
            }
        }
        for (String action : actionsOrDefault()) {
            if (parseAction(action) == null) {
                problems.add(prefix + "actions: '" + action + "' is not SUPPRESS, DELETE or RESUME");
            }
        }
        try {
            Duration parsed = parseDuration(sla == null ? "PT1H" : sla);
            if (parsed.isNegative() || parsed.isZero()) {
                problems.add(prefix + "sla: must be positive");
            } else if (parsed.compareTo(Vendor.MAX_SLA) > 0) {
                problems.add(prefix + "sla: at most 366 days (366d or P366D), got " + sla);
            }
        } catch (IllegalArgumentException e) {
            problems.add(prefix + "sla: " + e.getMessage());
        }
        return problems;
    }

    /** The vendor; call only when {@link #problems} is empty. */
    public Vendor toVendor() {
        Set<Command.Action> parsed = new LinkedHashSet<>();
        actionsOrDefault().forEach(a -> parsed.add(parseAction(a)));
        Vendor.Kind vendorKind = kind == null
                ? Vendor.Kind.VENDOR
                : Vendor.Kind.valueOf(kind.trim().toUpperCase(
                        Locale.ROOT));
        Set<String> regionSet = new HashSet<>();
        orEmpty(regions).forEach(r -> regionSet.add(r.trim()));
        return new Vendor(id, name == null ? id : name, vendorKind, parent, new HashSet<>(orEmpty(purposes)),
                regionSet, parsed, new HashSet<>(orEmpty(identifiers)), parseDuration(sla == null ? "PT1H" : sla),
                enabled == null || enabled);
    }

    /** ISO-8601 ({@code PT1H}) or short ({@code 90s}, {@code 15m}, {@code 1h}, {@code 2d}, {@code 500ms}). */
    public static Duration parseDuration(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("required, e.g. PT1H or 1h");
        }
        String t = text.trim();
        try {
            if (t.toUpperCase(Locale.ROOT).startsWith("P")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long amount = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                case 'd' -> Duration.ofDays(amount);
                default -> throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. PT1H or 1h)");
            };
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. PT1H or 1h)");
        }
    }

    private List<String> actionsOrDefault() {
        return actions == null ? List.of("SUPPRESS", "DELETE") : actions;
    }

    private static Command.Action parseAction(String action) {
        try {
            return action == null ? null : Command.Action.valueOf(action.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static List<String> orEmpty(List<String> list) {
        return list == null ? List.of() : list;
    }
}
