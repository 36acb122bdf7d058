package dev.consentrelay.api;

import java.util.Map;

/** Plain-language descriptions of the policy's purposes, as the preference centre shows them. */
final class PurposeDescriptions {

    private static final Map<String, String> DESCRIPTIONS = Map.of(
            "email_marketing", "E-mails about offers and news",
            "sms_marketing", "Text messages about offers and news",
            "analytics", "Measuring how our site and e-mails are used, to improve them",
            "personalization", "Tailoring what you see to what you did before",
            "profiling", "Building a profile of your interests from your activity",
            "advertising", "Showing you ads based on your activity, here and elsewhere",
            "sale_sharing", "Selling or sharing your data with other companies",
            "third_party_sharing", "Passing your data to partners for their own use");

    private PurposeDescriptions() {
    }

    static String of(String purpose) {
        return DESCRIPTIONS.getOrDefault(purpose, "Use of your data for " + purpose.replace('_', ' '));
    }
}
