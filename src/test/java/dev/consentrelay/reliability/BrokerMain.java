package dev.consentrelay.reliability;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import dev.consentrelay.embedded.EmbeddedKafkaBroker;

/**
 * Runs the project's embedded KRaft broker as a process of its own, on a fixed data directory and port, until the
 * process is killed. {@link BrokerProcess} starts it so that a test can SIGKILL the broker and start it again on the
 * same data, as a crashed broker host would.
 * <p>
 * Arguments: {@code <data-dir> <port>}. Prints {@value #READY} and the bootstrap address once clients can connect.
 */
public final class BrokerMain {

    /** Printed on standard output once the broker answers clients. */
    public static final String READY = "BROKER READY ";

    private BrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path dataDir = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        // Abort the transactions of a killed producer quickly, so read_committed readers are not held back for long.
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.create(dataDir, "localhost", port,
                Map.of("transaction.abort.timed.out.transaction.cleanup.interval.ms", "2000",
                        "group.min.session.timeout.ms", "2000"))
                .start(Duration.ofSeconds(120));
        System.out.println(READY + broker.bootstrapServers());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
