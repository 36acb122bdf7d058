package dev.consentrelay;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import org.jboss.logging.Logger;

import dev.consentrelay.embedded.EmbeddedKafkaBroker;
import dev.consentrelay.embedded.EmbeddedMode;
import dev.consentrelay.serde.AvroLimits;

/**
 * Entry point. With no Kafka configured it first starts the embedded broker, so that one command runs the whole
 * service on a laptop; the broker is stopped after the application has shut down.
 */
@QuarkusMain
public final class ConsentRelayMain {

    private static final Logger LOG = Logger.getLogger(ConsentRelayMain.class);

    private ConsentRelayMain() {
    }

    public static void main(String... args) {
        AvroLimits.apply();
        Optional<EmbeddedKafkaBroker> broker = EmbeddedMode.startIfNoKafkaConfigured();
        if (broker.isEmpty()) {
            Quarkus.run(args);
            return;
        }
        CountDownLatch applicationStopped = new CountDownLatch(1);
        // On SIGTERM the application stops in its own shutdown hook; keep the broker up until then.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                applicationStopped.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            broker.get().close();
        }, "embedded-kafka-shutdown"));
        Quarkus.run(null, (exitCode, failure) -> {
            if (failure != null) {
                LOG.error("The service failed to start and exits with status " + exitCode, failure);
            }
            applicationStopped.countDown();
            broker.get().close();
            if (!shutdownInProgress()) {
                System.exit(exitCode);
            }
        }, args);
    }

    /** True inside JVM shutdown, where calling {@code System.exit} again would block forever. */
    private static boolean shutdownInProgress() {
        Thread probe = new Thread(() -> {
        });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
