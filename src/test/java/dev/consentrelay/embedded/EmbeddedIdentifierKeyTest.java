package dev.consentrelay.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedIdentifierKeyTest {

    @Test
    void theEmbeddedRunGeneratesItsKeyOnceAndReadsTheSameKeyAfterARestart(@TempDir Path dataDir) throws Exception {
        String first = EmbeddedMode.identifierKey(dataDir);
        String again = EmbeddedMode.identifierKey(dataDir);

        assertThat(first).hasSizeGreaterThanOrEqualTo(32);
        assertThat(again).isEqualTo(first);
        Path file = dataDir.resolve(EmbeddedMode.IDENTIFIER_KEY_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(EmbeddedMode.identifierKey(Files.createDirectory(dataDir.resolve("other")))).isNotEqualTo(first);
    }
}
