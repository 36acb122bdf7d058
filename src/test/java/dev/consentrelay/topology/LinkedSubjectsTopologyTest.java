package dev.consentrelay.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.consentrelay.avro.AvroMapper;
import dev.consentrelay.domain.Command;
import dev.consentrelay.domain.Policy;
import dev.consentrelay.domain.Signal;
import dev.consentrelay.domain.SubjectIdentifier;
import dev.consentrelay.domain.Vendor;
import dev.consentrelay.schema.CommandAction;
import dev.consentrelay.schema.ConsentRow;
import dev.consentrelay.schema.ConsentSignal;
import dev.consentrelay.schema.ConsentStatus;
import dev.consentrelay.schema.PropagationCommand;
import dev.consentrelay.schema.PurposeConsent;
import dev.consentrelay.schema.SignalSource;
import dev.consentrelay.schema.SubjectConsentState;
import dev.consentrelay.schema.VendorRecord;
import dev.consentrelay.serde.InMemorySchemaRegistryClient;
import dev.consentrelay.testing.TopologyFixture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Linked identities through the whole topology: a refusal known for either linked subject reaches the other as a
 * refusal with source LINK, through the signal topic (which the test driver feeds back in, as Kafka would).
 */
class LinkedSubjectsTopologyTest {

    private static final Instant NOW = Instant.parse("2026-11-20T09:00:00Z");
    private static final TopicNames TOPICS = TopicNames.defaults();

    private TopologyTestDriver driver;
    private TestInputTopic<String, ConsentSignal> signals;
    private ConsentTopics io;

    @BeforeEach
    void start() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient("links-" + UUID.randomUUID());
        driver = TopologyFixture.driver(ConsentTopology.builder(TOPICS, Policy.defaults(), registry).build(),
                "consent-relay-links-test", NOW);
        io = ConsentTopics.of(TOPICS, registry);
        signals = TopologyFixture.input(driver, io.signals());
        TestInputTopic<String, VendorRecord> vendors = TopologyFixture.input(driver, io.vendors());
        vendors.pipeInput("adnet", AvroMapper.toAvro(new Vendor("adnet", "adnet", Vendor.Kind.VENDOR, null,
                Set.of("advertising", "sale_sharing"), Set.of(), EnumSet.allOf(Command.Action.class), Set.of(),
                Duration.ofMinutes(10), true)));
        vendors.pipeInput("mailer", AvroMapper.toAvro(new Vendor("mailer", "mailer", Vendor.Kind.VENDOR, null,
                Set.of("email_marketing"), Set.of(), EnumSet.of(Command.Action.SUPPRESS, Command.Action.DELETE),
                Set.of(), Duration.ofMinutes(10), true)));
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void aGpcOnTheDeviceAfterTheLinkSuppressesTheAccountAtEveryVendorWithTheAccountsIdentifiers() {
        send(signal(Signal.Kind.OPT_IN, "account-1", NOW.minusSeconds(60), "email_marketing"));
        send(link("device-1", "account-1", NOW.minusSeconds(50)));
        drain();

        send(signal(Signal.Kind.GPC, "device-1", NOW.minusSeconds(40)));

        assertThat(purpose("account-1", "advertising")).satisfies(p -> {
            assertThat(p.getStatus()).isEqualTo(ConsentStatus.DENIED);
            assertThat(p.getSource()).isEqualTo(SignalSource.LINK);
            assertThat(p.getSince()).isEqualTo(NOW.minusSeconds(40));
        });
        assertThat(commands("adnet")).filteredOn(c -> c.getSubjectId().equals("account-1")).singleElement()
                .satisfies(c -> {
                    assertThat(c.getAction()).isEqualTo(CommandAction.SUPPRESS);
                    assertThat(c.getIdentifiers()).extracting(id -> id.getValue().toString())
                            .containsExactly("account-1-device");
                });
        assertThat(links("device-1")).containsExactly("account-1");
        assertThat(links("account-1")).containsExactly("device-1");
        assertThat(purpose("account-1", "email_marketing").getStatus()).as("a grant of its own is untouched")
                .isEqualTo(ConsentStatus.GRANTED);
    }

    @Test
    void aGpcBeforeTheLinkReachesTheAccountWhenTheLinkArrivesButALaterGrantOfItsOwnStillWins() {
        send(signal(Signal.Kind.GPC, "device-2", NOW.minusSeconds(60)));
        send(signal(Signal.Kind.OPT_IN, "account-2", NOW.minusSeconds(30), "sale_sharing"));

        send(link("device-2", "account-2", NOW.minusSeconds(20)));

        assertThat(purpose("account-2", "advertising").getStatus()).isEqualTo(ConsentStatus.DENIED);
        assertThat(purpose("account-2", "third_party_sharing").getStatus()).isEqualTo(ConsentStatus.DENIED);
        assertThat(purpose("account-2", "sale_sharing").getStatus())
                .as("granted after the GPC it would have inherited").isEqualTo(ConsentStatus.GRANTED);
    }

    @Test
    void grantsDoNotCrossALinkAndTheAccountsRefusalsReachTheDevice() {
        send(signal(Signal.Kind.OPT_OUT, "account-3", NOW.minusSeconds(60), "email_marketing"));
        send(link("device-3", "account-3", NOW.minusSeconds(50)));
        send(signal(Signal.Kind.OPT_IN, "device-3", NOW.minusSeconds(40), "advertising"));

        assertThat(purpose("device-3", "email_marketing").getStatus()).isEqualTo(ConsentStatus.DENIED);
        assertThat(row("account-3").getPurposes()).doesNotContainKey("advertising");
    }

    @Test
    void aRefusalTravelsAlongAChain() {
        send(signal(Signal.Kind.OPT_IN, "b-4", NOW.minusSeconds(70), "analytics"));
        send(link("a-4", "b-4", NOW.minusSeconds(60)));
        // Linked from C's side (a login on C's device), so C's own region is known and vendors serve it.
        send(link("c-4", "b-4", NOW.minusSeconds(55)));

        send(signal(Signal.Kind.OPT_OUT, "a-4", NOW.minusSeconds(30), "email_marketing"));

        for (String subject : List.of("b-4", "c-4")) {
            assertThat(purpose(subject, "email_marketing").getStatus()).as(subject).isEqualTo(ConsentStatus.DENIED);
        }
        assertThat(commands("mailer")).extracting(c -> c.getSubjectId().toString())
                .containsExactlyInAnyOrder("a-4", "b-4", "c-4");
    }

    @Test
    void aCycleEndsWhereTheRefusalChangesNothingMore() {
        send(link("a-5", "b-5", NOW.minusSeconds(60)));
        send(link("b-5", "c-5", NOW.minusSeconds(55)));
        send(link("c-5", "a-5", NOW.minusSeconds(50)));
        drain();

        send(signal(Signal.Kind.OPT_OUT, "b-5", NOW.minusSeconds(30), "advertising"));

        for (String subject : List.of("a-5", "b-5", "c-5")) {
            assertThat(purpose(subject, "advertising").getStatus()).as(subject).isEqualTo(ConsentStatus.DENIED);
        }
        assertThat(commands("adnet")).as("one SUPPRESS per subject, however often the refusal came round")
                .extracting(c -> c.getSubjectId().toString()).containsExactlyInAnyOrder("a-5", "b-5", "c-5");
        assertThat(links("a-5")).containsExactlyInAnyOrder("b-5", "c-5");
    }

    @Test
    void anErasureKeepsTheLinkedAccountsSuppressionWithoutErasingIt() {
        send(signal(Signal.Kind.OPT_IN, "account-6", NOW.minusSeconds(70), "email_marketing", "advertising"));
        send(link("device-6", "account-6", NOW.minusSeconds(60)));
        drain();

        send(signal(Signal.Kind.ERASURE, "device-6", NOW.minusSeconds(30)));

        SubjectConsentState account = row("account-6");
        assertThat(account.getErasedAt()).isNull();
        assertThat(account.getPurposes().get("email_marketing").getStatus()).isEqualTo(ConsentStatus.DENIED);
        assertThat(account.getPurposes().get("advertising").getStatus()).isEqualTo(ConsentStatus.DENIED);
        assertThat(account.getIdentifiers()).extracting(id -> id.getValue().toString())
                .containsExactly("account-6-device");
        List<PropagationCommand> toMailer = commands("mailer");
        assertThat(toMailer).filteredOn(c -> c.getSubjectId().equals("device-6"))
                .extracting(PropagationCommand::getAction).contains(CommandAction.DELETE);
        assertThat(toMailer).filteredOn(c -> c.getSubjectId().equals("account-6"))
                .extracting(PropagationCommand::getAction)
                .containsExactly(CommandAction.SUPPRESS);
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private void send(ConsentSignal signal) {
        signals.pipeInput(signal.getSubjectId(), signal, NOW);
    }

    private static ConsentSignal signal(Signal.Kind kind, String subject, Instant at, String... purposes) {
        return AvroMapper.toAvro(new Signal(UUID.randomUUID().toString(), subject,
                List.of(new SubjectIdentifier("device_id", subject + "-device")), kind, Set.of(purposes), "US-CA",
                Signal.Source.PREFERENCE_CENTER, "toggle", "2026-11-01", at, null, false));
    }

    private static ConsentSignal link(String subject, String linked, Instant at) {
        return AvroMapper.toAvro(new Signal(UUID.randomUUID().toString(), subject,
                List.of(new SubjectIdentifier("device_id", subject + "-device")), Signal.Kind.LINK, Set.of(), "US-CA",
                Signal.Source.API, "login", "2026-11-01", at, null, false, linked));
    }

    private SubjectConsentState row(String subjectId) {
        ConsentRow row = driver.<String, ConsentRow>getKeyValueStore(StoreNames.CONSENT_TABLE).get(subjectId);
        return row == null ? null : row.getState();
    }

    private List<String> links(String subjectId) {
        return driver.<String, ConsentRow>getKeyValueStore(StoreNames.CONSENT_TABLE).get(subjectId).getLinks();
    }

    private PurposeConsent purpose(String subjectId, String purpose) {
        SubjectConsentState state = row(subjectId);
        assertThat(state).as("row of " + subjectId).isNotNull();
        assertThat(state.getPurposes()).as(subjectId).containsKey(purpose);
        return state.getPurposes().get(purpose);
    }

    private List<PropagationCommand> commands(String vendorId) {
        return TopologyFixture.output(driver, io.commands(vendorId)).readValuesToList();
    }

    private void drain() {
        commands("adnet");
        commands("mailer");
    }
}
