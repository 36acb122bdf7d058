package dev.consentrelay.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.iab.gpp.encoder.GppModel;
import com.iab.gpp.encoder.section.UsNat;
import com.iab.gpp.encoder.section.UspV1;

import dev.consentrelay.domain.Violation;

/**
 * Reads the opt-outs of the IAB's US privacy strings and maps them to purposes.
 * <ul>
 * <li>US Privacy string ({@code uspString}, CCPA): four characters — version {@code 1}, notice given, opted out of
 * sale, LSPA covered — each of {@code Y}, {@code N} or {@code -}. Opted out of sale {@code Y} refuses
 * {@code sale_sharing}.</li>
 * <li>GPP string ({@code gppString}), decoded with IABTechLab's iabgpp-java: the US National section (id 7) with
 * {@code SaleOptOut} = 1 refuses {@code sale_sharing}, {@code SharingOptOut} = 1 refuses {@code sale_sharing} and
 * {@code third_party_sharing}, {@code TargetedAdvertisingOptOut} = 1 refuses {@code advertising} (1 = opted out, 2 =
 * did not opt out, 0 = not applicable). A US Privacy section (id 6) inside the GPP string is read like
 * {@code uspString}. Other sections are ignored.</li>
 * </ul>
 * Only opt-outs are mapped: "did not opt out" is no choice under an opt-out regime, not a grant.
 */
public final class IabOptOuts {

    /** The longest GPP string read (a real one with every US section is a few hundred characters). */
    public static final int MAX_GPP_LENGTH = 4_096;

    /** GPP value of an opt-out field meaning "opted out". */
    static final int OPTED_OUT = 1;

    private IabOptOuts() {
    }

    /**
     * The purposes refused by the strings (either may be {@code null}), or the violations that make them unreadable.
     */
    public static Result read(String uspString, String gppString) {
        Set<String> purposes = new TreeSet<>();
        List<Violation> violations = new ArrayList<>();
        List<String> methods = new ArrayList<>();
        if (uspString == null && gppString == null) {
            violations.add(new Violation("uspString", "give a US Privacy string (uspString, e.g. 1YYN) or a GPP"
                    + " string (gppString), or both"));
        }
        if (uspString != null) {
            readUsp(uspString.trim(), "uspString", purposes, violations);
            methods.add("iab:usp");
        }
        if (gppString != null && gppString.length() > MAX_GPP_LENGTH) {
            violations.add(new Violation("gppString", "gppString has " + gppString.length() + " characters; at most "
                    + MAX_GPP_LENGTH));
        } else if (gppString != null) {
            readGpp(gppString.trim(), purposes, violations, methods);
        }
        return new Result(purposes, violations, String.join("+", methods));
    }

    private static void readUsp(String usp, String field, Set<String> purposes, List<Violation> violations) {
        if (usp.length() != 4 || usp.charAt(0) != '1' || !flags(usp.substring(1))) {
            violations.add(new Violation(field, field + " '" + usp + "' is not a US Privacy string: version 1"
                    + " followed by three of Y, N or - (notice given, opted out of sale, LSPA covered), e.g. 1YYN"));
            return;
        }
        if (Character.toUpperCase(usp.charAt(2)) == 'Y') {
            purposes.add("sale_sharing");
        }
    }

    private static boolean flags(String flags) {
        return flags.chars().map(Character::toUpperCase).allMatch(c -> c == 'Y' || c == 'N' || c == '-');
    }

    private static void readGpp(String gpp, Set<String> purposes, List<Violation> violations,
            List<String> methods) {
        try {
            GppModel model = new GppModel(gpp);
            List<Integer> sections = model.getSectionIds();
            if (sections.contains(UsNat.ID)) {
                UsNat usNat = model.getUsNatSection();
                if (is(usNat.getSaleOptOut())) {
                    purposes.add("sale_sharing");
                }
                if (is(usNat.getSharingOptOut())) {
                    purposes.add("sale_sharing");
                    purposes.add("third_party_sharing");
                }
                if (is(usNat.getTargetedAdvertisingOptOut())) {
                    purposes.add("advertising");
                }
                methods.add("iab:gpp-usnat");
            }
            if (sections.contains(UspV1.ID)) {
                UspV1 usp = model.getUspV1Section();
                readUsp("" + usp.getVersion() + usp.getNotice() + usp.getOptOutSale() + usp.getLspaCovered(),
                        "gppString", purposes, violations);
                methods.add("iab:gpp-uspv1");
            }
            if (!sections.contains(UsNat.ID) && !sections.contains(UspV1.ID)) {
                violations.add(new Violation("gppString", "the GPP string has no US National (7) or US Privacy (6)"
                        + " section; its sections are " + sections));
            }
        } catch (RuntimeException e) {
            violations.add(new Violation("gppString", "'" + abbreviate(gpp) + "' is not a valid GPP string: "
                    + e.getMessage()));
        }
    }

    private static boolean is(Integer optOut) {
        return optOut != null && optOut == OPTED_OUT;
    }

    private static String abbreviate(String text) {
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }

    /**
     * @param purposes
     *            the purposes refused; empty when the strings refuse nothing
     * @param violations
     *            why the strings could not be read
     * @param method
     *            the method to record, e.g. {@code iab:usp+iab:gpp-usnat}
     */
    public record Result(Set<String> purposes, List<Violation> violations, String method) {

        public Result {
            purposes = Set.copyOf(purposes);
            violations = List.copyOf(violations);
        }
    }
}
