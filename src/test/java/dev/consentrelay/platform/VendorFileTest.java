package dev.consentrelay.platform;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.consentrelay.domain.Command;
import dev.consentrelay.domain.Policy;
import dev.consentrelay.domain.Vendor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VendorFileTest {

    private static final Policy POLICY = Policy.defaults();

    @TempDir
    Path dir;

    @Test
    void shouldParseVendorAndSubProcessor() throws IOException {
        Path file = write("""
                vendors:
                  - id: mailer
                    name: Mailer Inc.
                    kind: VENDOR
                    purposes: [email_marketing]
                    regions: [EU, US-*]
                    actions: [SUPPRESS, DELETE, RESUME]
                    identifiers: [email_sha256]
                    sla: 1h
                  - id: mailer-cdn
                    kind: sub_processor
                    parent: mailer
                    sla: PT30M
                    enabled: false
                """);

        List<Vendor> vendors = VendorFile.read(file, POLICY);

        assertThat(vendors).containsExactly(
                new Vendor("mailer", "Mailer Inc.", Vendor.Kind.VENDOR, null, Set.of("email_marketing"),
                        Set.of("EU", "US-*"), EnumSet.allOf(Command.Action.class), Set.of("email_sha256"),
                        Duration.ofHours(1), true),
                new Vendor("mailer-cdn", "mailer-cdn", Vendor.Kind.SUB_PROCESSOR, "mailer", Set.of(), Set.of(),
                        EnumSet.of(Command.Action.SUPPRESS, Command.Action.DELETE), Set.of(), Duration.ofMinutes(30),
                        false));
    }

    @Test
    void shouldReportEveryProblemAtOnce() {
        String yaml = """
                vendors:
                  - id: Bad Id
                    purposes: [email_marketing]
                  - id: adnet
                    purposes: [advertising, mind_reading]
                  - id: crm
                    actions: [SUPPRESS, FORGET]
                  - id: cdn
                    kind: SUB_PROCESSOR
                  - id: adnet
                    purposes: [advertising]
                  - id: slow
                    sla: eventually
                """;

        assertThatThrownBy(() -> parse(yaml))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Vendors file vendors.yaml has errors:")
                .hasMessageContaining("vendors[0] (Bad Id).id: required, lower case letters")
                .hasMessageContaining("vendors[1] (adnet).purposes: unknown purpose 'mind_reading'")
                .hasMessageContaining("vendors[2] (crm).actions: 'FORGET' is not SUPPRESS, DELETE or RESUME")
                .hasMessageContaining("vendors[3] (cdn).parent: a sub-processor names the vendor it works for")
                .hasMessageContaining("vendors[4] (adnet).id: declared twice")
                .hasMessageContaining("vendors[5] (slow).sla: 'eventually' is not a duration");
    }

    @Test
    void shouldRejectUnknownKind() {
        assertThatThrownBy(() -> parse("""
                vendors:
                  - id: mailer
                    kind: PARTNER
                """)).hasMessageContaining("vendors[0] (mailer).kind: 'PARTNER' is not VENDOR or SUB_PROCESSOR");
    }

    @Test
    void shouldRejectNonPositiveSla() {
        assertThatThrownBy(() -> parse("""
                vendors:
                  - id: mailer
                    sla: 0s
                """)).hasMessageContaining("vendors[0] (mailer).sla: must be positive");
    }

    @Test
    void shouldRejectAnSlaLongerThanAYearAndADay() {
        assertThatThrownBy(() -> parse("""
                vendors:
                  - id: ovf
                    sla: 9223372036854775807ms
                """)).hasMessageContaining("vendors[0] (ovf).sla: at most 366 days (366d or P366D)");
        assertThat(parse("""
                vendors:
                  - id: slow
                    sla: 366d
                """)).singleElement().satisfies(v -> assertThat(v.sla()).isEqualTo(Duration.ofDays(366)));
    }

    @Test
    void shouldRejectUnknownField() {
        assertThatThrownBy(() -> parse("""
                vendors:
                  - id: mailer
                    purpose: [email_marketing]
                """))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Vendors file vendors.yaml is not valid:")
                .hasMessageContaining("purpose");
    }

    @Test
    void shouldRejectFileWithoutVendorsList() {
        assertThatThrownBy(() -> parse("""
                vendors:
                """)).hasMessage("Vendors file vendors.yaml has no 'vendors:' list");
    }

    @Test
    void shouldTreatAnEmptyFieldAsNotGiven() {
        // "regions:" with nothing after it is how many people write "no restriction" in YAML.
        List<Vendor> vendors = parse("""
                vendors:
                  - id: mailer
                    purposes: [email_marketing]
                    regions:
                    actions:
                    identifiers:
                """);

        assertThat(vendors).singleElement().satisfies(vendor -> {
            assertThat(vendor.regions()).isEmpty();
            assertThat(vendor.actions()).containsExactlyInAnyOrder(Command.Action.SUPPRESS, Command.Action.DELETE);
            assertThat(vendor.identifierTypes()).isEmpty();
        });
    }

    @Test
    void shouldNameTheMissingFile() {
        Path missing = dir.resolve("no-such-vendors.yaml");

        assertThatThrownBy(() -> VendorFile.read(missing, POLICY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Vendors file " + missing.toAbsolutePath() + " does not exist");
    }

    @Test
    void shouldParseShortAndIsoDurations() {
        assertThat(VendorFile.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(VendorFile.parseDuration("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(VendorFile.parseDuration("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(VendorFile.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(VendorFile.parseDuration("pt1h")).isEqualTo(Duration.ofHours(1));
    }

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("vendors.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static List<Vendor> parse(String yaml) {
        return VendorFile.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "vendors.yaml",
                POLICY);
    }
}
