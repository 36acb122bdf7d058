package dev.consentrelay.connector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.consentrelay.config.ConnectorsConfig.FileFormat;
import dev.consentrelay.schema.Identifier;
import dev.consentrelay.schema.PropagationCommand;

import static org.assertj.core.api.Assertions.assertThat;

class FileExportAdapterTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-02T10:16:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void shouldAppendOneJsonLinePerCommandAndApply() throws IOException {
        PropagationCommand first = TestCommands.suppress("warehouse", "a");
        PropagationCommand second = TestCommands.suppress("warehouse", "b");
        try (FileExportAdapter adapter = new FileExportAdapter(dir, "warehouse", FileFormat.JSONL, 1 << 20, CLOCK)) {
            assertThat(adapter.deliver(first).status()).isEqualTo(DeliveryResult.Status.APPLIED);
            assertThat(adapter.deliver(second).status()).isEqualTo(DeliveryResult.Status.APPLIED);
        }

        List<Path> files = files();
        assertThat(files).hasSize(1);
        assertThat(files.get(0).getFileName().toString()).isEqualTo("warehouse-20261102T101600000Z-0001.jsonl");
        List<String> lines = Files.readAllLines(files.get(0));
        assertThat(lines).hasSize(2);
        assertThat(new ObjectMapper().readTree(lines.get(1)).get("commandId").asText())
                .isEqualTo(second.getCommandId().toString());
    }

    @Test
    void shouldStartANewFileWhenTheCurrentOneWouldPassTheSizeLimit() throws IOException {
        long lineBytes = CommandRendering.json(TestCommands.suppress("warehouse", "a")).length() + 1;
        try (FileExportAdapter adapter = new FileExportAdapter(dir, "warehouse", FileFormat.JSONL,
                lineBytes * 2 + 10, CLOCK)) {
            for (int i = 0; i < 5; i++) {
                adapter.deliver(TestCommands.suppress("warehouse", "s" + i));
            }
        }

        List<Path> files = files();
        assertThat(files).hasSize(3);
        assertThat(files).allSatisfy(file -> assertThat(Files.size(file)).isLessThanOrEqualTo(lineBytes * 2 + 10));
        long total = 0;
        for (Path file : files) {
            total += Files.readAllLines(file).size();
        }
        assertThat(total).isEqualTo(5);
    }

    @Test
    void shouldWriteCsvWithAHeaderInEveryFile() throws IOException {
        try (FileExportAdapter adapter = new FileExportAdapter(dir, "warehouse", FileFormat.CSV, 400, CLOCK)) {
            for (int i = 0; i < 3; i++) {
                adapter.deliver(TestCommands.suppress("warehouse", "s" + i));
            }
        }

        List<Path> files = files();
        assertThat(files).hasSizeGreaterThan(1);
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file);
            assertThat(lines.get(0)).isEqualTo(CommandRendering.csvHeader());
            assertThat(lines.subList(1, lines.size())).allSatisfy(line -> assertThat(line)
                    .contains(",SUPPRESS,email_marketing;advertising,email_sha256:ab12cd;crm_id:C-9,opt_out,US-CA,"));
        }
    }

    @Test
    void shouldWriteACellASpreadsheetWouldReadAsAFormulaAsText() throws IOException {
        PropagationCommand command = TestCommands.suppress("warehouse", "s1");
        command.setIdentifiers(List.of(new Identifier("crm_id", "x")));
        command.setReason("=HYPERLINK(\"http://evil.example\",\"click\")");
        command.setRegion("+1");
        command.setPolicyVersion("@SUM(A1)");
        try (FileExportAdapter adapter = new FileExportAdapter(dir, "warehouse", FileFormat.CSV, 1_000_000,
                CLOCK)) {
            adapter.deliver(command);
        }

        String row = Files.readAllLines(files().get(0)).get(1);
        assertThat(row).contains(",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",'+1,'@SUM(A1),")
                .doesNotContain(",=").doesNotContain(",+1").doesNotContain(",@");
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> stream = Files.list(dir)) {
            return stream.sorted().toList();
        }
    }
}
