package dev.consentrelay.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The vendor connectors: which vendors this process delivers commands to, and how. Each vendor gets its own consumer
 * of its command topic, its own rate limit, workers and retry policy.
 */
@ConfigMapping(prefix = "consent-relay.connectors")
public interface ConnectorsConfig {

    /** Whether this process runs the configured vendor connectors (also subject to {@code consent-relay.role}). */
    @WithDefault("true")
    boolean enabled();

    /** The vendors to deliver to, keyed by vendorId (the id in {@code consent.commands.<vendorId>.v1}). */
    Map<String, Vendor> vendors();

    /**
     * How long acknowledged command ids are remembered (read back from the acks topic at start) to skip redeliveries.
     */
    @WithDefault("7d")
    Duration ackedWindow();

    /**
     * Static group membership for the connectors' consumer: it joins group {@code consent-relay-connectors} as
     * {@code <id>}, so a restarted process takes its partitions over at once instead of waiting out the
     * 45 s session of the consumer that stopped (a killed process never leaves its group). The embedded mode sets it;
     * unset, members are dynamic. Give each connector process its own id.
     */
    Optional<String> groupInstanceId();

    /**
     * How many acknowledged command ids are remembered per vendor at most: redeliveries come from the commands a
     * connector had in flight when it stopped (at most {@code max(256, 64 x concurrency)}), far fewer. Each id costs
     * about 26 bytes of heap while the set is full, which it is after a busy day: 20 vendors at 100,000 held 52 MB.
     */
    @WithDefault("16384")
    int ackedCapacity();

    /**
     * How long the first acknowledgement of a subject waits for the subject's others, to go out with them as one
     * record: a signal's commands reach their vendors' connectors at different moments of a commit's chunk, and each
     * record the acks topic holds is one more for the stream thread to apply and the answers' changelog to store.
     * Adds at most this much to the propagation latency; {@code 0} sends each acknowledgement at once.
     */
    @WithDefault("50ms")
    Duration ackLinger();

    /** One vendor's connector. */
    interface Vendor {

        /** How commands reach the vendor. */
        Adapter adapter();

        /** Webhook adapter: the URL commands are POSTed to; {@code https} unless {@code insecure} is set. */
        Optional<String> url();

        /**
         * Webhook adapter: allow a plain {@code http} URL (a vendor on the same host or a private network only):
         * commands carry identifiers, so they travel over TLS unless this says otherwise.
         */
        @WithDefault("false")
        boolean insecure();

        /**
         * Webhook adapter: the HMAC-SHA256 key that signs every body ({@code X-Consent-Signature}). Reference it from
         * the environment, e.g. {@code ${MAILER_SECRET}}; it is never logged.
         */
        Optional<String> secret();

        /** Requests per second at most (token bucket, retries included). */
        @WithDefault("50")
        double rateLimit();

        /** Commands delivered concurrently at most; commands for one subject always go one after the other. */
        @WithDefault("4")
        int concurrency();

        /**
         * Webhook adapter: commands per request. 1 POSTs each command on its own; above 1 (up to 1000), one signed POST
         * of {@code {"commands": [...]}} carries up to this many, and the vendor answers each one (see docs/vendors.md,
         * "Batched webhook delivery"). The rate limit then counts batches, and the connector runs at least this many
         * delivery lanes so that batches can fill.
         */
        @WithDefault("1")
        int batchSize();

        /**
         * Webhook adapter with {@code batch-size} above 1: how long a batch waits for more commands after its first.
         */
        @WithDefault("20ms")
        Duration batchLinger();

        /** Timeout of one delivery attempt (connection and response). */
        @WithDefault("10s")
        Duration timeout();

        /** Delivery attempts before a command is given up with a FAILED acknowledgement. */
        @WithDefault("6")
        int maxAttempts();

        /** Backoff before the first retry; it doubles with every attempt (with full jitter). */
        @WithDefault("200ms")
        Duration initialBackoff();

        /** Longest backoff between two attempts. */
        @WithDefault("30s")
        Duration maxBackoff();

        /** File adapter: the directory the export files are written to. */
        Optional<Path> fileDir();

        /** File adapter: one JSON object per line, or CSV rows with a header. */
        @WithDefault("jsonl")
        FileFormat fileFormat();

        /** File adapter: size at which the export file is rotated to a new one. */
        @WithDefault("10485760")
        long fileMaxBytes();
    }

    /** Delivery mechanisms. */
    enum Adapter {
        /** HTTP POST of a signed JSON rendering of the command. */
        WEBHOOK,
        /** Rotating export file for vendors without an API. */
        FILE
    }

    /** Export file formats. */
    enum FileFormat {
        /** One JSON object per line. */
        JSONL,
        /** Comma-separated values with a header row. */
        CSV
    }
}
