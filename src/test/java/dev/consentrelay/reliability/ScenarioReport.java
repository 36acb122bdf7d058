package dev.consentrelay.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The figures of one scenario, printed and written to {@code target/reliability/<scenario>.json}. */
final class ScenarioReport {

    private final Map<String, Object> figures = new LinkedHashMap<>();

    ScenarioReport(String scenario) {
        figures.put("scenario", scenario);
    }

    ScenarioReport put(String name, Object value) {
        figures.put(name, value);
        return this;
    }

    ScenarioReport result(long recordsIn, Verifier.Result result, List<Long> recoveryMillis) {
        return put("recordsIn", recordsIn).put("recordsOut", result.recordsOut()).put("commands", result.commands())
                .put("deadLetters", result.deadLetters()).put("duplicates", result.duplicates())
                .put("losses", result.losses()).put("recoveryMillis", recoveryMillis);
    }

    void write(Path dir) {
        try {
            Files.createDirectories(dir);
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            String text = json.writeValueAsString(figures);
            Files.writeString(dir.resolve(figures.get("scenario") + ".json"), text);
            System.out.println("RELIABILITY " + json.copy().disable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(figures));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
