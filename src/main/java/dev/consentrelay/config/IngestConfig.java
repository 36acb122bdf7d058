package dev.consentrelay.config;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The HTTP ingest: publishing, idempotency, batches and Global Privacy Control capture. */
@ConfigMapping(prefix = "consent-relay.ingest")
public interface IngestConfig {

    /** How long a request waits for Kafka to acknowledge a record before answering {@code 503}. */
    @WithDefault("10s")
    Duration publishTimeout();

    /** The {@code Retry-After} sent with a {@code 503} when Kafka is unavailable. */
    @WithDefault("5s")
    Duration retryAfter();

    /**
     * How many recently accepted signal ids the ingest remembers, to accept a repeated {@code signalId} once. The
     * topology also drops duplicates within {@code consent-relay.processing.dedup-window}; this cache only saves the
     * repeat a trip through Kafka.
     */
    @WithDefault("100000")
    int dedupCacheSize();

    /** Most signals one {@code POST /v1/signals/batch} may carry; larger batches are refused with {@code 413}. */
    @WithDefault("500")
    int batchMaxSize();

    /** Global Privacy Control capture. */
    Gpc gpc();

    /** Where {@code POST/GET /v1/gpc} find the subject and region of a browser request. */
    interface Gpc {

        /** Request header carrying the subject id (set by an edge worker), looked at first. */
        @WithDefault("X-Subject-Id")
        String subjectHeader();

        /** Cookie carrying the subject id, looked at second. */
        @WithDefault("cr_sid")
        String subjectCookie();

        /** Query parameter carrying the subject id (pixel form), looked at last. */
        @WithDefault("sid")
        String subjectQueryParam();

        /** Header with the visitor's ISO 3166-1 country code, as set by the CDN (Cloudflare: {@code CF-IPCountry}). */
        @WithDefault("CF-IPCountry")
        String regionHeader();

        /**
         * Header with the visitor's ISO 3166-2 subdivision code without the country (Cloudflare's visitor location
         * headers: {@code CF-Region-Code}, read beside {@code CF-IPCountry}); {@code US} + {@code CA} becomes the
         * region {@code US-CA}.
         */
        @WithDefault("CF-Region-Code")
        Optional<String> subdivisionHeader();

        /**
         * CIDR blocks of the proxies (CDN, edge workers) whose geo headers and {@code X-Forwarded-For} are believed.
         * None by default: a request's geo headers are then ignored (the region stays unknown, which a GPC signal
         * never needs to deny), and its client address is the connection's. The embedded mode trusts loopback.
         */
        Optional<List<String>> trustedProxies();

        /** GPC requests per minute from one client address at most; above, 429 with {@code Retry-After}. 0: none. */
        @WithDefault("120")
        int rateLimitPerClient();

        /** GPC requests per minute for one subject at most; above, 429 with {@code Retry-After}. 0: none. */
        @WithDefault("30")
        int rateLimitPerSubject();

        /** {@code lastUpdate} of {@code /.well-known/gpc.json}: when the site's GPC support last changed. */
        @WithDefault("2026-11-01")
        LocalDate lastUpdate();
    }
}
