package dev.consentrelay.connector;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.consentrelay.schema.Identifier;
import dev.consentrelay.schema.PropagationCommand;

/**
 * How a command looks outside Kafka: the JSON body of a webhook and of a JSON-lines export, a CSV row, and the
 * signature of a body. The subject's internal pseudonymous id is left out: vendors match on the identifiers they were
 * given, and nothing more leaves the service than they need.
 */
public final class CommandRendering {

    /** Columns of the CSV export, in order. */
    public static final List<String> CSV_COLUMNS = List.of("commandId", "signalId", "vendorId", "action", "purposes",
            "identifiers", "reason", "region", "policyVersion", "signalReceivedAt", "issuedAt", "deadline");

    private static final ObjectMapper JSON = new ObjectMapper();

    private CommandRendering() {
    }

    /** The command as one line of compact JSON (fields in a fixed order, instants as ISO-8601). */
    public static String json(PropagationCommand command) {
        ObjectNode node = JSON.createObjectNode();
        node.put("commandId", command.getCommandId().toString());
        node.put("signalId", command.getSignalId().toString());
        node.put("vendorId", command.getVendorId());
        node.put("action", command.getAction().name());
        ArrayNode purposes = node.putArray("purposes");
        command.getPurposes().forEach(purposes::add);
        ArrayNode identifiers = node.putArray("identifiers");
        for (Identifier identifier : command.getIdentifiers()) {
            identifiers.addObject().put("type", identifier.getType()).put("value", identifier.getValue());
        }
        node.put("reason", command.getReason());
        node.put("region", command.getRegion());
        node.put("policyVersion", command.getPolicyVersion());
        node.put("signalReceivedAt", iso(command.getSignalReceivedAt()));
        node.put("issuedAt", iso(command.getIssuedAt()));
        node.put("deadline", iso(command.getDeadline()));
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot render a command as JSON", e);
        }
    }

    /** The CSV header line (no line end). */
    public static String csvHeader() {
        return String.join(",", CSV_COLUMNS);
    }

    /** The command as one CSV row (no line end); lists are joined with {@code ;}, identifiers as {@code type:value}. */
    public static String csv(PropagationCommand command) {
        List<String> values = List.of(command.getCommandId().toString(), command.getSignalId().toString(),
                command.getVendorId(), command.getAction().name(), String.join(";", command.getPurposes()),
                command.getIdentifiers().stream().map(i -> i.getType() + ":" + i.getValue())
                        .collect(Collectors.joining(";")),
                command.getReason(), nullToEmpty(command.getRegion()), nullToEmpty(command.getPolicyVersion()),
                iso(command.getSignalReceivedAt()), iso(command.getIssuedAt()), iso(command.getDeadline()));
        return values.stream().map(CommandRendering::csvField).collect(Collectors.joining(","));
    }

    /** Hex HMAC-SHA256 of the body with the secret, as sent in {@code X-Consent-Signature: sha256=<hex>}. */
    public static String hmacSha256Hex(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    private static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    private static String csvField(String raw) {
        // A cell a spreadsheet would read as a formula (=, +, -, @, tab, carriage return first) is made text.
        String value = !raw.isEmpty() && "=+-@\t\r".indexOf(raw.charAt(0)) >= 0 ? "'" + raw : raw;
        if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
            return "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }
}
