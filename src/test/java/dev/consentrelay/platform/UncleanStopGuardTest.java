package dev.consentrelay.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** After an unclean stop every task's local state goes; after a clean one it stays. */
class UncleanStopGuardTest {

    @TempDir
    Path stateDir;

    @Test
    void aCleanStopKeepsTheLocalState() throws IOException {
        Path app = stateDir.resolve("consent-relay");
        Path task = Files.createDirectories(app.resolve("1_0").resolve("rocksdb").resolve("consent-table"));

        assertThat(UncleanStopGuard.guard(app)).isEmpty();
        UncleanStopGuard.stopped(app);

        assertThat(UncleanStopGuard.guard(app)).as("the mark was removed by the stop").isEmpty();
        assertThat(task).exists();
        assertThat(app.resolve(UncleanStopGuard.MARK)).exists();
    }

    @Test
    void anUncleanStopDeletesEveryTaskButKeepsTheProcessIdAndTheGlobalStore() throws IOException {
        Path app = stateDir.resolve("consent-relay");
        Files.createDirectories(app.resolve("1_0").resolve("rocksdb").resolve("consent-table"));
        Files.writeString(app.resolve("1_0").resolve("consent-table.position"), "x");
        Files.createDirectories(app.resolve("2_1").resolve("rocksdb"));
        Files.createDirectories(app.resolve("global").resolve("rocksdb"));
        Files.writeString(app.resolve("kafka-streams-process-metadata"), "{\"processId\":\"p\"}");
        UncleanStopGuard.guard(app);
        // killed: no stop

        assertThat(UncleanStopGuard.guard(app)).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("1_0", "2_1");

        assertThat(app.resolve("1_0")).doesNotExist();
        assertThat(app.resolve("2_1")).doesNotExist();
        assertThat(app.resolve("global")).exists();
        assertThat(app.resolve("kafka-streams-process-metadata")).exists();
        assertThat(app.resolve(UncleanStopGuard.MARK)).as("marked again for this run").exists();
    }
}
