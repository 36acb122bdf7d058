package dev.consentrelay.ingest;

import com.iab.gpp.encoder.GppModel;
import com.iab.gpp.encoder.field.UsNatField;
import com.iab.gpp.encoder.section.UsNat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.consentrelay.domain.Violation;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * US Privacy strings follow the IAB CCPA specification (version, notice, opt-out of sale, LSPA). GPP strings are
 * decoded by IABTechLab's iabgpp-java; strings with opt-outs are built with that library's encoder, since the example
 * strings published with the GPP specification carry "did not opt out" (2) values.
 */
class IabOptOutsTest {

    @Test
    void shouldMapUspOptOutOfSaleToSaleSharing() {
        IabOptOuts.Result result = IabOptOuts.read("1YYN", null);

        assertThat(result.violations()).isEmpty();
        assertThat(result.purposes()).containsExactly("sale_sharing");
        assertThat(result.method()).isEqualTo("iab:usp");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1YNN", "1NNY", "1---"})
    void shouldMapNoOptOutToNoPurposes(String usp) {
        assertThat(IabOptOuts.read(usp, null).purposes()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2YYN", "1YYNN", "1YXN", ""})
    void shouldRefuseMalformedUspStrings(String usp) {
        assertThat(IabOptOuts.read(usp, null).violations()).extracting(Violation::field).containsExactly("uspString");
    }

    @Test
    void shouldReadTheGppSpecUsNatExampleAsNoOptOut() {
        // DBABL~BVVqAAEABgA.QA: header with section 7 (usnat); notices given (1), SaleOptOut, SharingOptOut and
        // TargetedAdvertisingOptOut all 2 ("did not opt out"), as iabgpp-java decodes it.
        GppModel model = new GppModel("DBABL~BVVqAAEABgA.QA");
        assertThat(model.getSectionIds()).containsExactly(UsNat.ID);
        assertThat(model.getUsNatSection().getSaleOptOutNotice()).isEqualTo(1);
        assertThat(model.getUsNatSection().getSaleOptOut()).isEqualTo(2);

        IabOptOuts.Result result = IabOptOuts.read(null, "DBABL~BVVqAAEABgA.QA");

        assertThat(result.violations()).isEmpty();
        assertThat(result.purposes()).isEmpty();
        assertThat(result.method()).isEqualTo("iab:gpp-usnat");
    }

    @Test
    void shouldMapUsNatOptOutsToPurposes() {
        assertThat(IabOptOuts.read(null, usNat(1, 2, 2)).purposes()).containsExactlyInAnyOrder("sale_sharing");
        assertThat(IabOptOuts.read(null, usNat(2, 1, 2)).purposes()).containsExactlyInAnyOrder("sale_sharing",
                "third_party_sharing");
        assertThat(IabOptOuts.read(null, usNat(2, 2, 1)).purposes()).containsExactlyInAnyOrder("advertising");
        assertThat(IabOptOuts.read(null, usNat(1, 1, 1)).purposes()).containsExactlyInAnyOrder("advertising",
                "sale_sharing",
                "third_party_sharing");
        assertThat(IabOptOuts.read(null, usNat(0, 0, 0)).purposes()).isEmpty();
    }

    @Test
    void shouldReadAUspSectionInsideGpp() {
        GppModel model = new GppModel();
        model.setFieldValue("uspv1", "Notice", 'Y');
        model.setFieldValue("uspv1", "OptOutSale", 'Y');
        model.setFieldValue("uspv1", "LspaCovered", 'N');

        assertThat(IabOptOuts.read(null, model.encode()).purposes()).containsExactly("sale_sharing");
    }

    @Test
    void shouldRefuseAnUnreadableGppString() {
        assertThat(IabOptOuts.read(null, "garbage").violations()).extracting(Violation::field)
                .containsExactly("gppString");
    }

    @Test
    void shouldRefuseAGppStringOverItsBoundBeforeDecodingIt() {
        assertThat(IabOptOuts.read(null, "DBABMA~" + "A".repeat(100_000)).violations()).singleElement()
                .satisfies(v -> assertThat(v.message()).isEqualTo("gppString has 100007 characters; at most 4096"));
    }

    @Test
    void shouldAskForAString() {
        assertThat(IabOptOuts.read(null, null).violations()).isNotEmpty();
    }

    /** A GPP string with a US National section built by IABTechLab's encoder. */
    static String usNat(int saleOptOut, int sharingOptOut, int targetedAdvertisingOptOut) {
        GppModel model = new GppModel();
        model.setFieldValue(UsNat.NAME, UsNatField.SALE_OPT_OUT_NOTICE, 1);
        model.setFieldValue(UsNat.NAME, UsNatField.SHARING_OPT_OUT_NOTICE, 1);
        model.setFieldValue(UsNat.NAME, UsNatField.TARGETED_ADVERTISING_OPT_OUT_NOTICE, 1);
        model.setFieldValue(UsNat.NAME, UsNatField.SALE_OPT_OUT, saleOptOut);
        model.setFieldValue(UsNat.NAME, UsNatField.SHARING_OPT_OUT, sharingOptOut);
        model.setFieldValue(UsNat.NAME, UsNatField.TARGETED_ADVERTISING_OPT_OUT, targetedAdvertisingOptOut);
        return model.encode();
    }
}
