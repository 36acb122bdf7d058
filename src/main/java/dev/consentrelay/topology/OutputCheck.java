package dev.consentrelay.topology;

/** Tells whether an output record can be written to its topic, before it is sent. */
@FunctionalInterface
public interface OutputCheck {

    /** Accepts everything as it is. */
    OutputCheck NONE = (key, out) -> Checked.accepted(out);

    /**
     * @return the output to forward (possibly carrying its serialized value, see {@link Outbound.Encodable}), or
     *         why {@code out} cannot be written (e.g. larger than its topic allows)
     */
    Checked check(String key, Outbound out);

    /**
     * The result of a check.
     *
     * @param output what to forward when accepted
     * @param refusal why the output cannot be written, {@code null} when it can
     */
    record Checked(Outbound output, String refusal) {

        /** Accepted, to be forwarded as {@code output}. */
        public static Checked accepted(Outbound output) {
            return new Checked(output, null);
        }

        /** Refused for the given reason. */
        public static Checked refused(String refusal) {
            return new Checked(null, refusal);
        }

        /** Whether the output can be written. */
        public boolean ok() {
            return refusal == null;
        }
    }
}
