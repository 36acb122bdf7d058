package dev.consentrelay.api;

/** Example bodies for the OpenAPI document of the query, proof, propagation and vendor endpoints. */
final class ApiExamples {

    static final String CONSENT = """
            {"subjectId": "subj-42", "region": "US-CA", "updatedAt": "2026-11-05T14:03:01Z", "erasedAt": null,
             "gpc": {"active": false, "firstSeenAt": null, "lastSeenAt": null},
             "identifiers": [{"type": "email_sha256",
              "value": "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"}],
             "purposes": [{"purpose": "advertising", "allowed": false, "model": "OPT_OUT", "status": "DENIED",
               "rule": "opt_out", "since": "2026-11-05T14:03:00Z", "source": "PREFERENCE_CENTER", "method": "toggle",
               "policyVersion": "2026-11-01", "signalId": "0b6f6a2e-8f5c-4c1e-9a53-1f2d3c4b5a69", "expiresAt": null},
              {"purpose": "analytics", "allowed": true, "model": "OPT_OUT", "status": "UNKNOWN", "rule": "default"}],
             "evaluatedAt": "2026-11-23T10:00:00Z"}""";
    static final String PROOF = """
            {"subjectId": "subj-42", "generatedAt": "2026-11-23T10:00:00Z",
             "entries": [{"signalId": "0b6f6a2e-8f5c-4c1e-9a53-1f2d3c4b5a69", "type": "DECISION", "kind": "OPT_OUT",
               "source": "PREFERENCE_CENTER", "method": "toggle", "region": "US-CA", "purposes": ["advertising"],
               "occurredAt": "2026-11-05T14:03:00Z", "receivedAt": "2026-11-05T14:03:00.120Z",
               "decision": {"outcome": "APPLIED", "reason": "OPT_OUT changed advertising (allowed -> denied)",
                 "policyVersion": "2026-11-01", "recordedAt": "2026-11-05T14:03:00.131Z", "changes": []},
               "commands": [{"commandId": "9d1e…", "vendorId": "adnet", "action": "SUPPRESS",
                 "issuedAt": "2026-11-05T14:03:00.131Z", "deadline": "2026-11-05T14:08:00Z",
                 "ack": {"status": "APPLIED", "at": "2026-11-05T14:03:00.532Z", "latencyMillis": 412, "detail": null}}],
               "legalDeadlines": [{"regime": "CCPA", "rule": "15 business days", "due": "2026-11-26",
                 "completedAt": "2026-11-05T14:03:00.532Z", "status": "MET"}]}]}""";
    static final String PROPAGATION = """
            {"signalId": "0b6f6a2e-8f5c-4c1e-9a53-1f2d3c4b5a69", "complete": false,
             "vendors": [{"vendorId": "adnet", "commandId": "9d1e…", "action": "SUPPRESS", "status": "APPLIED",
               "attempts": 1, "latencyMillis": 412, "deadline": "2026-11-05T14:08:00Z", "breached": false},
              {"vendorId": "mailer", "commandId": "77a0…", "action": "SUPPRESS", "status": "PENDING",
               "attempts": 0, "latencyMillis": null, "deadline": "2026-11-05T15:03:00Z", "breached": false}]}""";
    static final String SIGNAL = """
            {"signalId": "0b6f6a2e-8f5c-4c1e-9a53-1f2d3c4b5a69", "state": "PROPAGATED", "subjectId": "subj-42",
             "kind": "OPT_OUT", "purposes": ["advertising"], "region": "US-CA", "source": "PREFERENCE_CENTER",
             "occurredAt": "2026-11-05T14:03:00Z", "receivedAt": "2026-11-05T14:03:00.120Z",
             "decision": {"outcome": "APPLIED", "reason": "OPT_OUT changed advertising (allowed -> denied)",
               "policyVersion": "2026-11-01", "decidedAt": "2026-11-05T14:03:00.131Z",
               "changes": [{"purpose": "advertising", "statusBefore": "UNKNOWN", "statusAfter": "DENIED",
                 "allowedBefore": true, "allowedAfter": false, "rule": "opt_out"}]},
             "propagation": {"signalId": "0b6f6a2e-8f5c-4c1e-9a53-1f2d3c4b5a69", "complete": true,
               "vendors": [{"vendorId": "adnet", "action": "SUPPRESS", "status": "APPLIED", "attempts": 1,
                 "latencyMillis": 412}]}}""";
    static final String VENDOR = """
            {"id": "adnet", "name": "Ad Network", "kind": "VENDOR", "parent": null,
             "purposes": ["advertising", "sale_sharing"], "regions": [], "actions": ["SUPPRESS", "DELETE", "RESUME"],
             "identifiers": ["device_id"], "sla": "PT5M", "enabled": true}""";
    static final String VENDORS = "[" + VENDOR + "]";
    static final String VENDOR_PROBLEMS = """
            {"error": "invalid_vendor", "problems": ["purposes: unknown purpose 'ads'",
             "sla: 'soon' is not a duration"]}""";
    static final String BACKFILL = """
            {"vendorId": "crm", "scanned": 1000000, "issued": 48211, "done": true,
             "tasks": [{"instance": "10.0.0.7:8080", "backfillId": "…", "purposes": ["profiling"],
               "startedAt": "2026-11-23T09:00:00Z", "scanned": 333412, "issued": 16002, "done": true,
               "finishedAt": "2026-11-23T09:04:10Z"}]}""";
    static final String NOT_FOUND = """
            {"error": "not_found", "message": "No consent record for subject subj-43"}""";
    static final String UNAVAILABLE = """
            {"error": "unavailable", "message": "Kafka Streams is REBALANCING"}""";

    private ApiExamples() {
    }
}
