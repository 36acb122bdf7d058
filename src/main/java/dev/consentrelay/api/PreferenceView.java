package dev.consentrelay.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * What the preference centre shows: every purpose of the policy, the policy version and the GPC state.
 *
 * @param region the subject's region, {@code null} while unknown (the stricter model then applies)
 * @param expiresAt when the page's link expires
 */
public record PreferenceView(String subjectId, String policyVersion, String region, boolean gpcActive,
        String expiresAt, List<Purpose> purposes) {

    /**
     * One purpose.
     *
     * @param model OPT_IN (nothing until the person agrees) or OPT_OUT (allowed until the person refuses)
     * @param allowed the current permission
     * @param status the recorded choice (GRANTED, DENIED, WITHDRAWN), {@code null} when none was made
     */
    public record Purpose(String purpose, String description, String model, boolean allowed,
            @Schema(nullable = true) String status) {
    }
}
