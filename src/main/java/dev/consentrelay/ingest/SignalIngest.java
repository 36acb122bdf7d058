package dev.consentrelay.ingest;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.consentrelay.domain.Policy;
import dev.consentrelay.domain.Signal;
import dev.consentrelay.domain.SignalValidator;
import dev.consentrelay.domain.Violation;

/**
 * Validates signals received over HTTP with the same rules the topology applies, and publishes the valid ones. An
 * invalid signal is answered to the sender rather than dead-lettered: the sender is still there to fix it.
 */
@Singleton
public class SignalIngest {

    private final SignalValidator validator;
    private final SignalPublisher publisher;
    private final Clock clock;
    private final MeterRegistry registry;

    /** Fields a refusal is counted under; any other is counted as {@code unknown_field}. */
    private static final Set<String> KNOWN_FIELDS = Stream.concat(Stream.concat(SignalJson.FIELDS.stream(),
            IabSignalJson.FIELDS.stream()), Stream.of("body", "signal", "receivedAt")).collect(Collectors.toSet());

    @Inject
    public SignalIngest(Policy policy, SignalPublisher publisher, MeterRegistry registry) {
        this(new SignalValidator(policy), publisher, Clock.systemUTC(), registry);
    }

    public SignalIngest(SignalValidator validator, SignalPublisher publisher, Clock clock, MeterRegistry registry) {
        this.validator = validator;
        this.publisher = publisher;
        this.clock = clock;
        this.registry = registry;
    }

    /**
     * Counts a request refused with these violations, by the first one's field ({@code unknown_field} for a field the
     * request made up, so the label stays bounded).
     */
    public void rejected(List<Violation> violations) {
        String field = violations.isEmpty() ? "invalid" : violations.get(0).baseField();
        String reason = KNOWN_FIELDS.contains(field) ? field : "unknown_field";
        Counter.builder("consent_signals_rejected").description("Signals refused, by stage and reason")
                .tag("stage", "ingest").tag("reason", reason).register(registry).increment();
    }

    /** The server's time, for {@code receivedAt}. */
    public Instant now() {
        return clock.instant();
    }

    /**
     * Every problem with a parsed signal: the JSON-level ones, then the policy's, leaving out policy violations of a
     * field the JSON already faulted (a malformed {@code occurredAt} is not also "missing").
     */
    public List<Violation> violations(ParsedSignal parsed) {
        List<Violation> violations = new ArrayList<>(parsed.violations());
        if (parsed.signal() == null) {
            return violations;
        }
        Set<String> faulted = new HashSet<>();
        parsed.violations().forEach(v -> faulted.add(v.field()));
        validator.validate(parsed.signal(), now()).violations().stream()
                .filter(v -> !faulted.contains(v.field())).forEach(violations::add);
        return violations;
    }

    /** Violations of a signal built by the server (GPC, IAB strings). */
    public List<Violation> violations(Signal signal) {
        return validator.validate(signal, now()).violations();
    }

    /** Publishes a signal that has no violations. */
    public PublishOutcome publish(Signal signal) throws PublishUnavailableException {
        return publisher.publish(signal);
    }

    /** Starts publishing a valid signal of a batch. */
    public SignalPublisher.Pending start(Signal signal) {
        return publisher.start(signal);
    }

    /** Waits for a batch item. */
    public PublishOutcome await(SignalPublisher.Pending pending) throws PublishUnavailableException {
        return publisher.await(pending);
    }
}
