package dev.consentrelay.connector;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBucketTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<Long> sleeps = new ArrayList<>();

    private TokenBucket bucket(double rate, double burst) {
        return new TokenBucket(rate, burst, now::get, nanos -> {
            sleeps.add(nanos);
            now.addAndGet(nanos);
        });
    }

    @Test
    void shouldLetABurstThroughAndThenPaceAtTheRate() throws InterruptedException {
        TokenBucket bucket = bucket(10, 2);

        bucket.acquire();
        bucket.acquire();
        bucket.acquire();
        bucket.acquire();

        assertThat(sleeps).containsExactly(100_000_000L, 100_000_000L);
    }

    @Test
    void shouldNotSaveUpMoreThanTheBurst() throws InterruptedException {
        TokenBucket bucket = bucket(10, 2);
        now.addAndGet(60_000_000_000L);

        for (int i = 0; i < 3; i++) {
            bucket.acquire();
        }

        assertThat(sleeps).hasSize(1);
    }

    @Test
    void shouldRefuseATokenWhenNoneIsFree() {
        TokenBucket bucket = bucket(1, 1);

        assertThat(bucket.tryAcquire()).isTrue();
        assertThat(bucket.tryAcquire()).isFalse();
        now.addAndGet(1_000_000_000L);
        assertThat(bucket.tryAcquire()).isTrue();
    }

    @Test
    void shouldHoldManyCallersToTheRateOverAWindow() throws InterruptedException {
        TokenBucket bucket = bucket(50, 1);
        long start = now.get();

        for (int i = 0; i < 101; i++) {
            bucket.acquire();
        }

        assertThat(now.get() - start).isEqualTo(2_000_000_000L);
    }
}
