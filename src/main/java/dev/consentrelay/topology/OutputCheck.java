package dev.consentrelay.topology;

/** Tells whether an output record can be written to its topic, before it is sent. */
@FunctionalInterface
public interface OutputCheck {

    /** Accepts everything. */
    OutputCheck NONE = (key, out) -> null;

    /**
     * @return why {@code out} cannot be written (e.g. larger than its topic allows), or {@code null} if it can
     */
    String refusal(String key, Outbound out);
}
