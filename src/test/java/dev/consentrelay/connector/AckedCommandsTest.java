package dev.consentrelay.connector;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AckedCommandsTest {

    @Test
    void shouldRememberTheLastCapacityIdsAndForgetTheOldestFirst() {
        AckedCommands acked = new AckedCommands(3_000);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            acked.add(id);
        }

        assertThat(acked.size()).isEqualTo(3_000);
        assertThat(ids.subList(0, 2_000)).noneMatch(acked::contains);
        assertThat(ids.subList(2_000, 5_000)).allMatch(acked::contains);
    }

    @Test
    void shouldKeepTheFirstPlaceOfAnIdAddedAgain() {
        AckedCommands acked = new AckedCommands(2);
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID third = UUID.randomUUID();

        acked.add(first);
        acked.add(second);
        acked.add(first);
        acked.add(third);

        assertThat(acked.contains(first)).isFalse();
        assertThat(acked.contains(second)).isTrue();
        assertThat(acked.contains(third)).isTrue();
        assertThat(acked.size()).isEqualTo(2);
    }

    @Test
    void shouldAnswerAsAnInsertionOrderedMapWouldUnderRandomAddsAndLookups() {
        SplittableRandom random = new SplittableRandom(42);
        for (int capacity : new int[]{1, 2, 7, 64, 1_000, 1_025, 5_000}) {
            AckedCommands acked = new AckedCommands(capacity);
            LinkedHashSet<UUID> model = new LinkedHashSet<>();
            // A small pool of ids, so that ids come back, collide in the table and get forgotten and added again.
            UUID[] pool = new UUID[capacity * 3 + 5];
            for (int i = 0; i < pool.length; i++) {
                // Ids differing in few bits, as time-based ids do, cluster in a poorly mixed table.
                pool[i] = new UUID(i % 7, i / 7);
            }
            for (int step = 0; step < 40_000; step++) {
                UUID id = pool[random.nextInt(pool.length)];
                if (random.nextBoolean()) {
                    acked.add(id);
                    if (model.add(id) && model.size() > capacity) {
                        model.remove(model.iterator().next());
                    }
                } else {
                    assertThat(acked.contains(id)).as("capacity %d, step %d", capacity, step)
                            .isEqualTo(model.contains(id));
                }
            }
            assertThat(acked.size()).as("capacity %d", capacity).isEqualTo(model.size());
            for (UUID id : pool) {
                assertThat(acked.contains(id)).as("capacity %d", capacity).isEqualTo(model.contains(id));
            }
        }
    }

    @Test
    void shouldRefuseACapacityItCannotHold() {
        assertThatThrownBy(() -> new AckedCommands(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> new AckedCommands(Integer.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most");
    }
}
