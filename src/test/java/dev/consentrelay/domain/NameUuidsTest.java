package dev.consentrelay.domain;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NameUuidsTest {

    /** Ids issued before must stay the ids issued now: downstream dedup and audit ids depend on them. */
    @Test
    void equalsTheJdksNameBasedUuidForEveryKindOfName() {
        for (String name : List.of("", "a", "3f1c|vendor-1|SUPPRESS", "expiry|subject|2026-12-05T00:00:00Z",
                "ünïcödé|数据|🙂", "x".repeat(10_000))) {
            UUID expected = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
            assertThat(NameUuids.uuid(name)).isEqualTo(expected);
            assertThat(NameUuids.of(name)).isEqualTo(expected.toString());
            assertThat(NameUuids.uuid(name).version()).isEqualTo(3);
        }
    }

    @Test
    void threadsSharingItNeverMixTheirDigests() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                Callable<Boolean> task = () -> {
                    for (int i = 0; i < 2_000; i++) {
                        String name = "signal-" + thread + "-" + i;
                        if (!NameUuids.uuid(name)
                                .equals(UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)))) {
                            return false;
                        }
                    }
                    return true;
                };
                results.add(pool.submit(task));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void commandIdsAreNameBasedOnSignalVendorAndAction() {
        assertThat(CommandIds.of("s-1", "v-1", Command.Action.DELETE)).isEqualTo(
                UUID.nameUUIDFromBytes("s-1|v-1|DELETE".getBytes(StandardCharsets.UTF_8)).toString());
    }
}
