package dev.consentrelay.platform;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.jboss.logging.Logger;

import dev.consentrelay.topology.UnreadableStateException;

/**
 * What happens when a stream thread dies. A passing infrastructure error (a broker that went away, a fenced
 * transaction) is survived by replacing the thread: the failed task resumes from its last committed transaction and
 * nothing is lost or doubled. Two kinds of failure are not passing, and replacing the thread would only repeat them
 * forever (every replacement rejoins the group, rebalances and fails on the same record): a stored value that cannot be
 * decoded, and any failure that comes back more than {@link #MAX_REPLACEMENTS} times within {@link #WINDOW}. Then
 * Kafka Streams is shut down with one message that says what happened and what to do, and the process exits
 * ({@link StreamsLifecycle}) so that an operator, or Kubernetes, sees it.
 */
@ApplicationScoped
public class StreamThreadRecovery implements StreamsUncaughtExceptionHandler {

    /** Replacements tolerated within {@link #WINDOW}; one more stops the service. */
    static final int MAX_REPLACEMENTS = 3;
    /** The window over which replacements are counted. */
    static final Duration WINDOW = Duration.ofMinutes(10);

    private static final Logger LOG = Logger.getLogger(StreamThreadRecovery.class);
    private static final Pattern CHANGELOG = Pattern.compile("on topic (\\S+-changelog)\\b");

    private final Supplier<Instant> clock;
    private final Deque<Instant> replacements = new ArrayDeque<>();

    public StreamThreadRecovery() {
        this(Instant::now);
    }

    StreamThreadRecovery(Supplier<Instant> clock) {
        this.clock = clock;
    }

    @Override
    public synchronized StreamThreadExceptionResponse handle(Throwable exception) {
        Optional<String> unreadable = unreadableState(exception);
        if (unreadable.isPresent()) {
            LOG.errorf("STOPPING: %s", unreadable.get());
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        Instant now = clock.get();
        while (!replacements.isEmpty() && replacements.peekFirst().isBefore(now.minus(WINDOW))) {
            replacements.pollFirst();
        }
        if (replacements.size() >= MAX_REPLACEMENTS) {
            LOG.errorf(exception, "STOPPING: a Kafka Streams thread failed %d times within %d minutes; replacing it"
                    + " again would fail the same way. Fix the cause below and start the service again (processing"
                    + " resumes from the last commit, nothing is lost)", MAX_REPLACEMENTS + 1, WINDOW.toMinutes());
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        replacements.addLast(now);
        LOG.errorf(exception, "A Kafka Streams thread failed; replacing it (processing resumes from the last commit;"
                + " failure %d of %d tolerated within %d minutes)", replacements.size(), MAX_REPLACEMENTS,
                WINDOW.toMinutes());
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /** The operator's message when the failure is a stored value that cannot be decoded. */
    static Optional<String> unreadableState(Throwable exception) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnreadableStateException unreadable) {
                return Optional.of(unreadable.getMessage());
            }
            if (cause instanceof SerializationException && cause.getMessage() != null) {
                Matcher changelog = CHANGELOG.matcher(cause.getMessage());
                if (changelog.find()) {
                    return Optional.of("The state store behind " + changelog.group(1) + " holds a value it cannot"
                            + " decode: " + cause.getMessage() + ". " + UnreadableStateException.WHAT_TO_DO);
                }
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return Optional.empty();
    }
}
