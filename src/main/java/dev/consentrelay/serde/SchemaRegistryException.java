package dev.consentrelay.serde;

/**
 * A schema registry refused a request or could not be reached. Carries the HTTP status and the registry's own error
 * code and message (Confluent codes: 40401 subject not found, 40403 schema not found, 409 incompatible, 42201 invalid
 * schema).
 */
public class SchemaRegistryException extends RuntimeException {

    /** Error code: subject not found. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    /** Error code: version not found. */
    public static final int VERSION_NOT_FOUND = 40402;
    /** Error code: schema not found. */
    public static final int SCHEMA_NOT_FOUND = 40403;
    /** HTTP status and error code of an incompatible schema. */
    public static final int INCOMPATIBLE = 409;
    /** HTTP status used when no response was received at all. */
    public static final int NO_RESPONSE = 0;

    private static final long serialVersionUID = 1L;

    private final int httpStatus;
    private final int errorCode;
    private final String registryMessage;

    public SchemaRegistryException(String message, int httpStatus, int errorCode, String registryMessage) {
        this(message, httpStatus, errorCode, registryMessage, null);
    }

    public SchemaRegistryException(String message, int httpStatus, int errorCode, String registryMessage,
            Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.registryMessage = registryMessage;
    }

    /** HTTP status of the registry's answer, or {@link #NO_RESPONSE} when it could not be reached. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The registry's {@code error_code}, or the HTTP status when the answer carried none. */
    public int errorCode() {
        return errorCode;
    }

    /** The registry's own {@code message}, or {@code null}. */
    public String registryMessage() {
        return registryMessage;
    }
}
