package dev.consentrelay.api;

import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One signal's propagation, as answered by {@code GET /v1/signals/{signalId}/propagation}.
 *
 * @param signalId the signal
 * @param complete whether every vendor sent a final acknowledgement
 * @param vendors one entry per command issued for the signal
 */
public record PropagationStatus(String signalId, boolean complete, List<VendorStatus> vendors) {

    /**
     * How far one vendor's command got.
     *
     * @param vendorId the vendor
     * @param commandId the command sent to it
     * @param action SUPPRESS, DELETE or RESUME
     * @param status PENDING until the final acknowledgement, then APPLIED, NOT_FOUND, FAILED or REJECTED
     * @param attempts delivery attempts reported by the final acknowledgement (0 while pending)
     * @param latencyMillis signal received to vendor acknowledgement; {@code null} while pending
     * @param deadline when the vendor's SLA runs out
     * @param breached whether the deadline passed before a final acknowledgement
     */
    public record VendorStatus(String vendorId, String commandId, String action, String status, int attempts,
            @Schema(nullable = true) Long latencyMillis, Instant deadline, boolean breached) {
    }
}
