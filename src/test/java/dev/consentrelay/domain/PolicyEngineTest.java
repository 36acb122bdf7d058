package dev.consentrelay.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.consentrelay.domain.Command.Action.DELETE;
import static dev.consentrelay.domain.Command.Action.RESUME;
import static dev.consentrelay.domain.Command.Action.SUPPRESS;
import static dev.consentrelay.domain.Fixtures.DEVICE;
import static dev.consentrelay.domain.Fixtures.EMAIL;
import static dev.consentrelay.domain.Fixtures.SUBJECT;
import static dev.consentrelay.domain.Fixtures.T0;
import static dev.consentrelay.domain.Fixtures.signal;
import static dev.consentrelay.domain.Fixtures.vendor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class PolicyEngineTest {

    private static final Instant NOW = T0.plus(Duration.ofDays(1));
    private static final List<String> GPC = List.of("advertising", "sale_sharing", "third_party_sharing");

    private final PolicyEngine engine = new PolicyEngine(Policy.defaults());

    private final List<Vendor> vendors = List.of(
            vendor("adnet").purposes("advertising", "sale_sharing").actions(SUPPRESS, DELETE, RESUME).build(),
            vendor("analytix").purposes("analytics").build(),
            vendor("mailer").purposes("email_marketing").build(),
            vendor("warehouse").purposes("analytics", "advertising", "profiling", "third_party_sharing").build());

    private Decision decide(SubjectConsent state, Signal signal) {
        return engine.decide(state, signal, vendors, NOW);
    }

    private SubjectConsent after(SubjectConsent state, Signal signal) {
        return decide(state, signal).stateAfter();
    }

    private Map<String, Boolean> allowed(SubjectConsent state) {
        Map<String, Boolean> allowed = new LinkedHashMap<>();
        engine.permissions(state, NOW).forEach((purpose, permission) -> allowed.put(purpose, permission.allowed()));
        return allowed;
    }

    private SubjectConsent inRegion(String region) {
        return new SubjectConsent(SUBJECT, region, List.of(EMAIL), Map.of(), null, null, null, null);
    }

    // --- permissions per region -------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "EU, false, false, false, false, false, false, false, false",
            "UK, false, false, false, false, false, false, false, false",
            "CA, false, false, true, true, true, true, true, true",
            "US-CA, true, false, true, true, true, true, true, true",
            "US-TX, true, false, true, true, true, true, true, true",
            "JP, false, false, false, false, false, false, false, false"})
    void shouldAllowOnlyOptOutPurposesForASubjectWithoutChoices(String region, boolean email, boolean sms,
            boolean analytics, boolean advertising, boolean profiling, boolean saleSharing, boolean personalization,
            boolean thirdParty) {
        assertThat(allowed(inRegion(region))).containsExactly(Map.entry("email_marketing", email),
                Map.entry("sms_marketing", sms), Map.entry("analytics", analytics),
                Map.entry("advertising", advertising), Map.entry("profiling", profiling),
                Map.entry("sale_sharing", saleSharing), Map.entry("personalization", personalization),
                Map.entry("third_party_sharing", thirdParty));
    }

    @ParameterizedTest
    @NullAndEmptySource
    void shouldAllowNothingWithoutAGrantWhenTheRegionIsUnknownOrBlank(String region) {
        assertThat(allowed(inRegion(region))).doesNotContainValue(true);
        assertThat(engine.permissions(inRegion(region), NOW).get("analytics").rule())
                .isEqualTo("OPT_IN in unknown region: no explicit grant");
    }

    @Test
    void shouldExplainAnEuGrantWithItsExpiry() {
        SubjectConsent state = after(null, signal(Signal.Kind.OPT_IN).region("EU").purposes("analytics").build());

        Permission permission = engine.permissions(state, NOW).get("analytics");

        assertThat(permission.allowed()).isTrue();
        assertThat(permission.model()).isEqualTo(Policy.Model.OPT_IN);
        assertThat(permission.status()).isEqualTo(PurposeStatus.GRANTED);
        assertThat(permission.rule()).isEqualTo("OPT_IN in EU: explicit grant until 2027-12-02T10:00:00Z");
    }

    // --- opt-out, withdrawal, opt-in ---------------------------------------------------------------------------

    @Test
    void shouldDenyListedPurposesAndSuppressTheVendorsProcessingThemOnOptOut() {
        Decision decision = decide(null, signal(Signal.Kind.OPT_OUT).purposes("advertising", "sale_sharing").build());

        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.APPLIED);
        assertThat(decision.stateAfter().purposes()).containsOnlyKeys("advertising", "sale_sharing")
                .allSatisfy((purpose, consent) -> assertThat(consent.status()).isEqualTo(PurposeStatus.DENIED));
        assertThat(decision.changes()).extracting(Decision.Change::purpose, Decision.Change::allowedBefore,
                Decision.Change::allowedAfter).containsExactly(
                        tuple("advertising", true, false),
                        tuple("sale_sharing", true, false));
        assertThat(decision.commands()).extracting(Command::vendorId, Command::action, Command::purposes)
                .containsExactly(
                        tuple("adnet", SUPPRESS,
                                Set.of("advertising", "sale_sharing")),
                        tuple("warehouse", SUPPRESS, Set.of("advertising")));
        assertThat(decision.commands().get(0).reason())
                .isEqualTo("OPT_OUT of advertising, sale_sharing in US-CA (signal from WEB_BANNER)");
    }

    @Test
    void shouldDenyEveryPurposeOnOptOutWithoutPurposes() {
        Decision decision = decide(null, signal(Signal.Kind.OPT_OUT).build());

        assertThat(decision.stateAfter().purposes()).hasSize(8);
        assertThat(allowed(decision.stateAfter())).doesNotContainValue(true);
        assertThat(decision.commands()).extracting(Command::vendorId)
                .containsExactly("adnet", "analytix", "mailer", "warehouse");
    }

    @Test
    void shouldReportNoChangeAndIssueNothingForARepeatedOptOut() {
        SubjectConsent state = after(null, signal(Signal.Kind.OPT_OUT).purposes("analytics").build());

        Decision repeat = decide(state, signal(Signal.Kind.OPT_OUT).purposes("analytics")
                .at(T0.plusSeconds(10)).build());

        assertThat(repeat.outcome()).isEqualTo(Decision.Outcome.NO_CHANGE);
        assertThat(repeat.commands()).isEmpty();
        assertThat(repeat.changes()).isEmpty();
        assertThat(repeat.stateAfter().purposes().get("analytics").since()).isEqualTo(T0.plusSeconds(10));
    }

    @Test
    void shouldReportNoChangeWhenTheSameSignalIsProcessedTwice() {
        Signal signal = signal(Signal.Kind.OPT_IN).region("EU").purposes("analytics").build();
        SubjectConsent state = after(null, signal);

        Decision replay = decide(state, signal);

        assertThat(replay.outcome()).isEqualTo(Decision.Outcome.NO_CHANGE);
        assertThat(replay.stateAfter()).isEqualTo(state);
    }

    @Test
    void shouldWithdrawGrantsAndSuppressWithoutDeletingWhenEraseIsNotAsked() {
        SubjectConsent state = after(null, signal(Signal.Kind.OPT_IN).region("EU").purposes("analytics").build());

        Decision decision = decide(state, signal(Signal.Kind.WITHDRAWAL).region("EU").purposes("analytics")
                .at(T0.plusSeconds(60)).build());

        assertThat(decision.stateAfter().purposes().get("analytics").status()).isEqualTo(PurposeStatus.WITHDRAWN);
        assertThat(decision.commands()).extracting(Command::vendorId, Command::action).containsExactly(
                tuple("analytix", SUPPRESS),
                tuple("warehouse", SUPPRESS));
    }

    @Test
    void shouldAlsoAskVendorsOfTheWithdrawnPurposesToDeleteWhenEraseIsAsked() {
        SubjectConsent state = after(null, signal(Signal.Kind.OPT_IN).region("EU").purposes("analytics").build());

        Decision decision = decide(state, signal(Signal.Kind.WITHDRAWAL).region("EU").purposes("analytics")
                .at(T0.plusSeconds(60)).erase().build());

        assertThat(decision.commands()).extracting(Command::vendorId, Command::action, Command::purposes)
                .containsExactly(
                        tuple("analytix", SUPPRESS, Set.of("analytics")),
                        tuple("analytix", DELETE, Set.of("analytics")),
                        tuple("warehouse", SUPPRESS, Set.of("analytics")),
                        tuple("warehouse", DELETE, Set.of("analytics")));
        assertThat(decision.commands().get(1).reason())
                .isEqualTo("WITHDRAWAL with erase of analytics in EU (signal from WEB_BANNER)");
    }

    @Test
    void shouldGrantWithoutExpiryInTheUsAndResumeVendorsThatSupportIt() {
        SubjectConsent optedOut = after(null, signal(Signal.Kind.OPT_OUT).purposes("advertising", "analytics").build());

        Decision decision = decide(optedOut, signal(Signal.Kind.OPT_IN).purposes("advertising", "analytics")
                .at(T0.plusSeconds(30)).build());

        assertThat(decision.stateAfter().purposes().get("advertising").expiresAt()).isNull();
        assertThat(engine.nextExpiry(decision.stateAfter())).isEmpty();
        assertThat(decision.commands()).extracting(Command::vendorId, Command::action)
                .containsExactly(tuple("adnet", RESUME));
        assertThat(decision.commands().get(0).purposes()).containsExactly("advertising");
    }

    @Test
    void shouldRecordAGrantInAnOptInRegionWithoutCommandsWhenNoVendorResumes() {
        Decision decision = decide(null, signal(Signal.Kind.OPT_IN).region("EU").purposes("email_marketing").build());

        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.APPLIED);
        assertThat(decision.changes()).singleElement().satisfies(change -> {
            assertThat(change.statusBefore()).isNull();
            assertThat(change.statusAfter()).isEqualTo(PurposeStatus.GRANTED);
            assertThat(change.model()).isEqualTo(Policy.Model.OPT_IN);
            assertThat(change.allowedAfter()).isTrue();
        });
        assertThat(decision.commands()).isEmpty();
    }

    @Test
    void shouldRejectAnInvalidSignalWithoutChangingStateOrIssuingCommands() {
        SubjectConsent state = after(null, signal(Signal.Kind.OPT_OUT).purposes("analytics").build());

        Decision decision = decide(state, signal(Signal.Kind.OPT_IN).purposes("analytics").method("pre_checked_box")
                .at(T0.plusSeconds(5)).build());

        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.REJECTED);
        assertThat(decision.reason())
                .isEqualTo(
                        "method: method 'pre_checked_box' is not an affirmative act: a pre-checked box is not consent");
        assertThat(decision.stateAfter()).isSameAs(state);
        assertThat(decision.commands()).isEmpty();
        assertThat(decision.policyVersion()).isEqualTo("2026-11-01");
    }

    @Test
    void shouldRejectASignalForAnotherSubject() {
        SubjectConsent state = inRegion("EU");

        Decision decision = decide(state, signal(Signal.Kind.OPT_OUT).subject("someone-else").build());

        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.REJECTED);
        assertThat(decision.reason()).contains("does not match");
    }

    @Test
    void shouldDecideAValidatedSignalAsDecideDoesAndStillRejectOneForAnotherSubject() {
        SubjectConsent state = after(null, signal(Signal.Kind.OPT_IN).purposes("analytics").build());
        Signal optOut = signal(Signal.Kind.OPT_OUT).purposes("analytics").at(T0.plusSeconds(5)).build();

        Decision validated = engine.decideValidated(state, optOut, vendors, NOW);

        assertThat(validated).isEqualTo(decide(state, optOut));
        assertThat(validated.commands()).isNotEmpty();
        Decision foreign = engine.decideValidated(state,
                signal(Signal.Kind.OPT_OUT).subject("someone-else").at(T0.plusSeconds(5)).build(), vendors, NOW);
        assertThat(foreign.outcome()).isEqualTo(Decision.Outcome.REJECTED);
        assertThat(foreign.reason()).contains("does not match");
        assertThat(foreign.stateAfter()).isSameAs(state);
    }

    // --- event-time ordering -----------------------------------------------------------------------------------

    @Test
    void shouldNotOverrideNewerOptOutWithOlderOptIn() {
        SubjectConsent state = after(null, signal(Signal.Kind.OPT_OUT).purposes("analytics").at(T0).build());

        Decision late = decide(state, signal(Signal.Kind.OPT_IN).purposes("analytics").at(T0.minusSeconds(1)).build());

        assertThat(late.outcome()).isEqualTo(Decision.Outcome.SUPERSEDED);
        assertThat(late.supersededPurposes()).containsExactly("analytics");
        assertThat(late.stateAfter().purposes()).isEqualTo(state.purposes());
        assertThat(late.commands()).isEmpty();
    }

    @Test
    void shouldNotOverrideNewerOptInWithOlderOptOut() {
        SubjectConsent state = after(null, signal(Signal.Kind.OPT_IN).region("EU").purposes("analytics").build());

        Decision late = decide(state, signal(Signal.Kind.OPT_OUT).region("EU").purposes("analytics")
                .at(T0.minusSeconds(1)).build());

        assertThat(late.outcome()).isEqualTo(Decision.Outcome.SUPERSEDED);
        assertThat(allowed(late.stateAfter())).containsEntry("analytics", true);
    }

    @Test
    void shouldLetARefusalWinOverAGrantWithTheSameTime() {
        SubjectConsent granted = after(null, signal(Signal.Kind.OPT_IN).region("EU").purposes("analytics").build());

        Decision refusal = decide(granted, signal(Signal.Kind.OPT_OUT).region("EU").purposes("analytics").build());

        assertThat(refusal.outcome()).isEqualTo(Decision.Outcome.APPLIED);
        assertThat(refusal.stateAfter().purposes().get("analytics").status()).isEqualTo(PurposeStatus.DENIED);
    }

    @Test
    void shouldSupersedeAGrantWithTheSameTimeAsARefusal() {
        SubjectConsent refused = after(null, signal(Signal.Kind.OPT_OUT).region("EU").purposes("analytics").build());

        Decision grant = decide(refused, signal(Signal.Kind.OPT_IN).region("EU").purposes("analytics").build());

        assertThat(grant.outcome()).isEqualTo(Decision.Outcome.SUPERSEDED);
        assertThat(grant.stateAfter().purposes().get("analytics").status()).isEqualTo(PurposeStatus.DENIED);
    }

    @Test
    void shouldApplyTheNewerPurposesAndListTheSupersededOnes() {
        SubjectConsent state = after(null, signal(Signal.Kind.OPT_IN).purposes("advertising").at(T0).build());

        Decision decision = decide(state, signal(Signal.Kind.OPT_OUT).purposes("advertising", "sale_sharing")
                .at(T0.minusSeconds(5)).build());

        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.APPLIED);
        assertThat(decision.supersededPurposes()).containsExactly("advertising");
        assertThat(decision.stateAfter().purposes().get("advertising").status()).isEqualTo(PurposeStatus.GRANTED);
        assertThat(decision.stateAfter().purposes().get("sale_sharing").status()).isEqualTo(PurposeStatus.DENIED);
        assertThat(decision.commands()).extracting(Command::vendorId).containsExactly("adnet");
        assertThat(decision.commands().get(0).purposes()).containsExactly("sale_sharing");
    }

    // --- region and identifiers --------------------------------------------------------------------------------

    @Test
    void shouldTakeTheRegionOfANewerSignalAndKeepTheRegionOnBlank() {
        SubjectConsent us = after(null, signal(Signal.Kind.OPT_OUT).purposes("analytics").region("US-CA").build());

        SubjectConsent eu = after(us, signal(Signal.Kind.OPT_OUT).purposes("profiling").region("EU")
                .at(T0.plusSeconds(1)).build());
        SubjectConsent blank = after(eu, signal(Signal.Kind.OPT_OUT).purposes("email_marketing").region(" ")
                .at(T0.plusSeconds(2)).build());
        SubjectConsent older = after(blank, signal(Signal.Kind.OPT_OUT).purposes("sms_marketing").region("CA")
                .at(T0.minusSeconds(2)).build());

        assertThat(eu.region()).isEqualTo("EU");
        assertThat(blank.region()).isEqualTo("EU");
        assertThat(older.region()).isEqualTo("EU");
        assertThat(older.updatedAt()).isEqualTo(T0.plusSeconds(2));
    }

    @Test
    void shouldSuppressWhenAMoveToAStricterRegionTakesPermissionAway() {
        SubjectConsent us = after(null, signal(Signal.Kind.OPT_OUT).purposes("email_marketing").build());

        Decision decision = decide(us, signal(Signal.Kind.OPT_OUT).purposes("email_marketing").region("EU")
                .at(T0.plusSeconds(1)).build());

        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.APPLIED);
        assertThat(decision.changes()).extracting(Decision.Change::purpose).doesNotContain("email_marketing")
                .contains("analytics", "advertising");
        assertThat(decision.commands()).extracting(Command::vendorId)
                .containsExactly("adnet", "analytix", "warehouse");
    }

    @Test
    void shouldMergeIdentifiers() {
        SubjectConsent state = after(null, signal(Signal.Kind.OPT_OUT).purposes("analytics").identifiers(EMAIL)
                .build());
        SubjectIdentifier crm = new SubjectIdentifier("crm_id", "c-1");

        SubjectConsent merged = after(state, signal(Signal.Kind.OPT_OUT).purposes("analytics").identifiers(crm, EMAIL)
                .at(T0.plusSeconds(1)).build());

        assertThat(merged.identifiers()).containsExactly(EMAIL, crm);
    }

    @Test
    void shouldKeepARowsIdentifiersBoundedWhateverArrivesNewestFirst() {
        SubjectConsent state = null;
        for (int i = 0; i < 40; i++) {
            state = after(state, signal(Signal.Kind.OPT_OUT).identifiers(new SubjectIdentifier("device_id", "d-" + i))
                    .at(T0.plusSeconds(i)).build());
        }

        assertThat(state.identifiers()).hasSize(SignalValidator.MAX_IDENTIFIERS)
                .contains(new SubjectIdentifier("device_id", "d-39"))
                .doesNotContain(new SubjectIdentifier("device_id", "d-0"));
    }

    // --- GPC ---------------------------------------------------------------------------------------------------

    @Test
    void shouldDenyTheGpcPurposesInCaliforniaOnGpc() {
        Decision decision = decide(null, signal(Signal.Kind.GPC).source(Signal.Source.BROWSER_GPC).build());

        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.APPLIED);
        assertThat(decision.stateAfter().gpc()).isEqualTo(new SubjectConsent.Gpc(true, T0, T0));
        assertThat(allowed(decision.stateAfter())).containsEntry("advertising", false)
                .containsEntry("sale_sharing", false).containsEntry("third_party_sharing", false)
                .containsEntry("analytics", true).containsEntry("email_marketing", true)
                .containsEntry("profiling", true).containsEntry("personalization", true);
        assertThat(decision.changes()).extracting(Decision.Change::purpose).containsExactlyElementsOf(
                List.of("advertising", "sale_sharing", "third_party_sharing"));
        assertThat(decision.commands()).extracting(Command::vendorId, Command::purposes).containsExactly(
                tuple("adnet", Set.of("advertising", "sale_sharing")),
                tuple("warehouse",
                        Set.of("advertising", "third_party_sharing")));
        assertThat(engine.permissions(decision.stateAfter(), NOW).get("advertising").rule())
                .isEqualTo("OPT_OUT in US-CA: Global Privacy Control since " + T0);
    }

    @Test
    void shouldReportNoChangeAndIssueNothingForARepeatedGpc() {
        SubjectConsent state = after(null, signal(Signal.Kind.GPC).build());

        Decision repeat = decide(state, signal(Signal.Kind.GPC).at(T0.plusSeconds(3600)).build());

        assertThat(repeat.outcome()).isEqualTo(Decision.Outcome.NO_CHANGE);
        assertThat(repeat.commands()).isEmpty();
        assertThat(repeat.stateAfter().gpc()).isEqualTo(new SubjectConsent.Gpc(true, T0, T0.plusSeconds(3600)));
    }

    @Test
    void shouldNeverLetAGpcSignalMoveAKnownRegionOrAllowAnything() {
        SubjectConsent optedOut = after(null, signal(Signal.Kind.OPT_OUT).region("EU").build());

        Decision gpc = decide(optedOut, signal(Signal.Kind.GPC).region("CA").at(T0.plusSeconds(60)).build());

        assertThat(gpc.stateAfter().region()).as("the geo header of a GPC request is not trusted").isEqualTo("EU");
        assertThat(allowed(gpc.stateAfter())).allSatisfy((purpose, allowed) -> assertThat(allowed)
                .as(purpose).isFalse());
        assertThat(gpc.changes()).noneMatch(change -> change.allowedAfter() && !change.allowedBefore());
        assertThat(gpc.commands()).extracting(Command::action).doesNotContain(RESUME);
    }

    @Test
    void shouldGiveAGpcSignalsRegionToASubjectWhoseRegionIsUnknown() {
        Decision gpc = decide(null, signal(Signal.Kind.GPC).region("US-CA").build());

        assertThat(gpc.stateAfter().region()).isEqualTo("US-CA");
    }

    @Test
    void shouldLetAnExplicitGrantAfterGpcOverrideIt() {
        SubjectConsent state = after(null, signal(Signal.Kind.GPC).build());

        Decision grant = decide(state, signal(Signal.Kind.OPT_IN).purposes("advertising").at(T0.plusSeconds(30))
                .build());

        assertThat(allowed(grant.stateAfter())).containsEntry("advertising", true).containsEntry("sale_sharing",
                false);
        assertThat(grant.commands()).extracting(Command::vendorId, Command::action)
                .containsExactly(tuple("adnet", RESUME));
    }

    @Test
    void shouldSuppressAnEarlierGrantWhenGpcArrivesLater() {
        SubjectConsent state = after(null, signal(Signal.Kind.OPT_IN).purposes("advertising").at(T0).build());

        Decision gpc = decide(state, signal(Signal.Kind.GPC).at(T0.plusSeconds(1)).build());

        assertThat(allowed(gpc.stateAfter())).containsEntry("advertising", false);
    }

    @Test
    void shouldKeepAGrantMadeAfterAGpcSignalThatArrivesLate() {
        SubjectConsent state = after(null, signal(Signal.Kind.OPT_IN).purposes("advertising").at(T0).build());

        Decision gpc = decide(state, signal(Signal.Kind.GPC).at(T0.minusSeconds(60)).build());

        assertThat(gpc.supersededPurposes()).containsExactly("advertising");
        assertThat(allowed(gpc.stateAfter())).containsEntry("advertising", true).containsEntry("sale_sharing", false);
    }

    @Test
    void shouldLetGpcWinOverAGrantWithTheSameTime() {
        SubjectConsent state = after(null, signal(Signal.Kind.GPC).at(T0).build());

        SubjectConsent granted = after(state, signal(Signal.Kind.OPT_IN).purposes("advertising").at(T0).build());

        assertThat(allowed(granted)).containsEntry("advertising", false);
    }

    // --- erasure -----------------------------------------------------------------------------------------------

    @Test
    void shouldKeepASuppressionRecordAndDeleteEverywhereOnErasure() {
        SubjectConsent state = after(null, signal(Signal.Kind.OPT_IN).purposes("advertising").build());

        Decision decision = decide(state, signal(Signal.Kind.ERASURE).source(Signal.Source.SUPPORT)
                .at(T0.plusSeconds(60)).build());

        SubjectConsent record = decision.stateAfter();
        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.APPLIED);
        assertThat(record.subjectId()).isEqualTo(SUBJECT);
        assertThat(record.identifiers()).as("the row keeps keyed hashes, no raw identifier")
                .containsExactly(engine.hasher().redact(EMAIL), engine.hasher().redact(DEVICE))
                .allSatisfy(id -> assertThat(id.value()).startsWith(IdentifierHasher.PREFIX));
        assertThat(decision.commands()).filteredOn(command -> command.action() == DELETE)
                .allSatisfy(delete -> assertThat(delete.identifiers()).isNotEmpty().isSubsetOf(EMAIL, DEVICE));
        assertThat(record.erasedAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(record.purposes()).hasSize(8)
                .allSatisfy((purpose, consent) -> assertThat(consent.status()).isEqualTo(PurposeStatus.DENIED));
        assertThat(allowed(record)).doesNotContainValue(true);
        assertThat(decision.commands()).filteredOn(command -> command.action() == DELETE)
                .extracting(Command::vendorId).containsExactly("adnet", "analytix", "mailer", "warehouse");
        assertThat(decision.commands()).filteredOn(command -> command.vendorId().equals("mailer"))
                .extracting(Command::action).containsExactly(SUPPRESS, DELETE);
        assertThat(decision.commands()).filteredOn(command -> command.action() == DELETE).first()
                .extracting(Command::reason).isEqualTo("ERASURE of all data in US-CA (signal from SUPPORT)");
    }

    @Test
    void shouldSendOnlyRawIdentifiersAfterAnErasureNeverTheKeyedHashes() {
        SubjectConsent erased = after(null, signal(Signal.Kind.ERASURE).at(T0).build());

        Decision withNew = decide(erased, signal(Signal.Kind.OPT_IN).purposes("advertising").at(T0.plusSeconds(10))
                .build());
        Decision optOut = decide(withNew.stateAfter(), signal(Signal.Kind.OPT_OUT).purposes("advertising")
                .identifiers(new SubjectIdentifier("crm_id", "C-1")).at(T0.plusSeconds(20)).build());

        assertThat(optOut.commands()).isNotEmpty().allSatisfy(command -> assertThat(command.identifiers())
                .noneMatch(id -> IdentifierHasher.isKeyedHash(id.value())));
        assertThat(optOut.stateAfter().identifiers()).contains(new SubjectIdentifier("crm_id", "C-1"));
    }

    @Test
    void shouldCountOnlyGrantsMadeAfterAnErasure() {
        SubjectConsent erased = after(null, signal(Signal.Kind.ERASURE).at(T0).build());

        SubjectConsent regranted = after(erased, signal(Signal.Kind.OPT_IN).purposes("analytics")
                .at(T0.plusSeconds(10)).build());

        assertThat(regranted.erasedAt()).isEqualTo(T0);
        assertThat(allowed(regranted)).containsEntry("analytics", true).containsEntry("advertising", false);
        assertThat(engine.permissions(regranted, NOW).get("advertising").rule()).contains("erased at " + T0);
    }

    @Test
    void shouldDenyOptOutPurposesAddedToTheCatalogueAfterAnErasure() {
        SubjectConsent erased = after(null, signal(Signal.Kind.ERASURE).build());
        PolicyEngine wider = new PolicyEngine(Policy.defaults().toBuilder()
                .purposes(java.util.stream.Stream
                        .concat(Policy.DEFAULT_PURPOSES.stream(), Stream.of("research")).toList())
                .model("US-*", "research", Policy.Model.OPT_OUT)
                .build());

        assertThat(wider.permissions(erased, NOW).get("research").allowed()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"OPT_OUT", "WITHDRAWAL", "ERASURE"})
    void shouldPutTheDecidingPolicyVersionOnDecisionsAndCommands(Signal.Kind kind) {
        Decision decision = decide(null, signal(kind).build());

        assertThat(decision.policyVersion()).isEqualTo("2026-11-01");
        assertThat(decision.commands()).isNotEmpty()
                .allSatisfy(command -> assertThat(command.policyVersion()).isEqualTo("2026-11-01"));
    }
}
