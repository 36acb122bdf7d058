package dev.consentrelay.platform;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.consentrelay.domain.CommandAction;
import dev.consentrelay.domain.Policy;
import dev.consentrelay.domain.Vendor;
import dev.consentrelay.domain.VendorKind;

/**
 * Reads the vendors file: the YAML list of vendors and sub-processors a deployment declares.
 *
 * <pre>
 * vendors:
 *   - id: mailer                 # lower case, digits, '-' or '_' (it names the command topic)
 *     name: Mailer Inc.
 *     kind: VENDOR               # or SUB_PROCESSOR, with parent: &lt;vendor id&gt;
 *     purposes: [email_marketing]
 *     regions: []                # empty = every region; exact codes (EU, US-CA) or wildcards (US-*)
 *     actions: [SUPPRESS, DELETE, RESUME]
 *     identifiers: [email_sha256]  # which identifiers the vendor needs; empty = all
 *     sla: PT1H                  # ISO-8601 duration, or 90s / 15m / 1h / 2d
 *     enabled: true
 * </pre>
 *
 * Every problem in the file is reported at once, naming the vendor and the field.
 */
public final class VendorFile {

    private static final Pattern VENDOR_ID = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,62}$");
    // A field written with no value ("regions:") counts as not given, so it keeps its default.
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .setDefaultSetterInfo(JsonSetter.Value.forValueNulls(Nulls.SKIP));

    private VendorFile() {
    }

    /** Reads and validates the file. */
    public static List<Vendor> read(Path file, Policy policy) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString(), policy);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("Vendors file " + file.toAbsolutePath() + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read vendors file " + file.toAbsolutePath() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Parses and validates YAML from {@code in}; {@code name} appears in error messages. */
    public static List<Vendor> parse(InputStream in, String name, Policy policy) {
        Document document;
        try {
            document = YAML.readValue(in, Document.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("Vendors file " + name + " is not valid: " + e.getMessage(), e);
        }
        if (document == null || document.vendors == null) {
            throw new IllegalArgumentException("Vendors file " + name + " has no 'vendors:' list");
        }
        List<String> problems = new ArrayList<>();
        List<Vendor> vendors = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < document.vendors.size(); i++) {
            Entry entry = document.vendors.get(i);
            String where = "vendors[" + i + "]" + (entry.id == null ? "" : " (" + entry.id + ")");
            int before = problems.size();
            if (entry.id == null || !VENDOR_ID.matcher(entry.id).matches()) {
                problems.add(where + ".id: required, lower case letters, digits, '-' or '_' (it names the topic)");
            } else if (!ids.add(entry.id)) {
                problems.add(where + ".id: declared twice");
            }
            VendorKind kind = VendorKind.VENDOR;
            if (entry.kind != null) {
                try {
                    kind = VendorKind.valueOf(entry.kind.trim().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    problems.add(where + ".kind: '" + entry.kind + "' is not VENDOR or SUB_PROCESSOR");
                }
            }
            if (kind == VendorKind.SUB_PROCESSOR && (entry.parent == null || entry.parent.isBlank())) {
                problems.add(where + ".parent: a sub-processor names the vendor it works for");
            }
            for (String purpose : entry.purposes) {
                if (!policy.isKnownPurpose(purpose)) {
                    problems.add(where + ".purposes: unknown purpose '" + purpose + "' (known: "
                            + policy.purposes() + ")");
                }
            }
            Set<CommandAction> actions = new LinkedHashSet<>();
            for (String action : entry.actions) {
                try {
                    actions.add(CommandAction.valueOf(action.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    problems.add(where + ".actions: '" + action + "' is not SUPPRESS, DELETE or RESUME");
                }
            }
            Duration sla = null;
            try {
                sla = parseDuration(entry.sla);
                if (sla.isNegative() || sla.isZero()) {
                    problems.add(where + ".sla: must be positive");
                }
            } catch (IllegalArgumentException e) {
                problems.add(where + ".sla: " + e.getMessage());
            }
            if (problems.size() == before) {
                vendors.add(new Vendor(entry.id, entry.name == null ? entry.id : entry.name, kind, entry.parent,
                        new HashSet<>(entry.purposes), new HashSet<>(entry.regions), actions,
                        new HashSet<>(entry.identifiers), sla, entry.enabled));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Vendors file " + name + " has errors:\n  - "
                    + String.join("\n  - ", problems));
        }
        return vendors;
    }

    /** ISO-8601 ({@code PT1H}) or short ({@code 90s}, {@code 15m}, {@code 1h}, {@code 2d}, {@code 500ms}). */
    static Duration parseDuration(String text) {
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

    @JsonIgnoreProperties(ignoreUnknown = false)
    static final class Document {
        @JsonProperty("vendors")
        List<Entry> vendors;
    }

    static final class Entry {
        @JsonProperty("id")
        String id;
        @JsonProperty("name")
        String name;
        @JsonProperty("kind")
        String kind;
        @JsonProperty("parent")
        String parent;
        @JsonProperty("purposes")
        List<String> purposes = List.of();
        @JsonProperty("regions")
        List<String> regions = List.of();
        @JsonProperty("actions")
        List<String> actions = List.of("SUPPRESS", "DELETE");
        @JsonProperty("identifiers")
        List<String> identifiers = List.of();
        @JsonProperty("sla")
        String sla = "PT1H";
        @JsonProperty("enabled")
        boolean enabled = true;
    }
}
