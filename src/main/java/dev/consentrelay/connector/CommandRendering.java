package dev.consentrelay.connector;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

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

    private static final JsonFactory JSON = new JsonFactory();

    private CommandRendering() {
    }

    /** The command as one line of compact JSON (fields in a fixed order, instants as ISO-8601). */
    public static String json(PropagationCommand command) {
        return new String(jsonBytes(command), StandardCharsets.UTF_8);
    }

    /** {@link #json} as UTF-8 bytes, written field by field without building a tree first. */
    public static byte[] jsonBytes(PropagationCommand command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("commandId", command.getCommandId().toString());
            json.writeStringField("signalId", command.getSignalId().toString());
            json.writeStringField("vendorId", command.getVendorId());
            json.writeStringField("action", command.getAction().name());
            json.writeArrayFieldStart("purposes");
            for (String purpose : command.getPurposes()) {
                json.writeString(purpose);
            }
            json.writeEndArray();
            json.writeArrayFieldStart("identifiers");
            for (Identifier identifier : command.getIdentifiers()) {
                json.writeStartObject();
                json.writeStringField("type", identifier.getType());
                json.writeStringField("value", identifier.getValue());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeStringField("reason", command.getReason());
            json.writeStringField("region", command.getRegion());
            json.writeStringField("policyVersion", command.getPolicyVersion());
            json.writeStringField("signalReceivedAt", iso(command.getSignalReceivedAt()));
            json.writeStringField("issuedAt", iso(command.getIssuedAt()));
            json.writeStringField("deadline", iso(command.getDeadline()));
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot render a command as JSON", e);
        }
        return out.toByteArray();
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
        return HexFormat.of().formatHex(hmacSha256(secret).doFinal(body));
    }

    /** An HMAC-SHA256 keyed with the secret; not thread-safe, so one per thread when reused. */
    public static Mac hmacSha256(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac;
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
