package dev.consentrelay.platform;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.consentrelay.domain.Policy;
import dev.consentrelay.domain.Vendor;
import dev.consentrelay.domain.VendorSpec;

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
            VendorSpec spec = new VendorSpec(entry.id, entry.name, entry.kind, entry.parent, entry.purposes,
                    entry.regions, entry.actions, entry.identifiers, entry.sla, entry.enabled);
            List<String> found = new ArrayList<>(spec.problems(where, policy));
            if (entry.id != null && !ids.add(entry.id)) {
                found.add(where + ".id: declared twice");
            }
            if (found.isEmpty()) {
                vendors.add(spec.toVendor());
            }
            problems.addAll(found);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Vendors file " + name + " has errors:\n  - "
                    + String.join("\n  - ", problems));
        }
        return vendors;
    }

    /** ISO-8601 ({@code PT1H}) or short ({@code 90s}, {@code 15m}, {@code 1h}, {@code 2d}, {@code 500ms}). */
    static Duration parseDuration(String text) {
        return VendorSpec.parseDuration(text);
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
