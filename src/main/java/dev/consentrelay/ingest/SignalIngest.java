package dev.consentrelay.ingest;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.consentrelay.domain.ConsentSignal;
import dev.consentrelay.domain.Policy;
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

    @Inject
    public SignalIngest(Policy policy, SignalPublisher publisher) {
        this(new SignalValidator(policy), publisher, Clock.systemUTC());
    }

    public SignalIngest(SignalValidator validator, SignalPublisher publisher, Clock clock) {
        this.validator = validator;
        this.publisher = publisher;
        this.clock = clock;
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
    public List<Violation> violations(ConsentSignal signal) {
        return validator.validate(signal, now()).violations();
    }

    /** Publishes a signal that has no violations. */
    public PublishOutcome publish(ConsentSignal signal) throws PublishUnavailableException {
        return publisher.publish(signal);
    }

    /** Starts publishing a valid signal of a batch. */
    public SignalPublisher.Pending start(ConsentSignal signal) {
        return publisher.start(signal);
    }

    /** Waits for a batch item. */
    public PublishOutcome await(SignalPublisher.Pending pending) throws PublishUnavailableException {
        return publisher.await(pending);
    }
}
