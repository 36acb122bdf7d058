package dev.consentrelay.api;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.consentrelay.testing.ApicurioRegistryResource;
import dev.consentrelay.testing.KafkaBrokerResource;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The served OpenAPI document is a contract a client generator can use: an independent linter ({@code redocly lint},
 * recommended rules) finds no error in it, and a TypeScript client generated from it ({@code openapi-typescript} with
 * {@code openapi-fetch}, type-checked by {@code tsc --strict}) submits a signal and reads the subject's consent from
 * this service. The npm packages are pinned in {@code src/test/resources/openapi-client/package.json}; Node.js and npm
 * must be installed ({@code .ci/run} installs Debian's when missing).
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = ApicurioRegistryResource.class, restrictToAnnotatedClass = false)
class OpenApiContractIT {

    private static final Path WORK = Path.of("target", "openapi-contract");
    private static final Path TEMPLATE = Path.of("src", "test", "resources", "openapi-client");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL service;

    @BeforeAll
    static void installTheToolchain() throws Exception {
        Files.createDirectories(WORK);
        for (String file : List.of("package.json", "tsconfig.json", "client-check.ts")) {
            Files.copy(TEMPLATE.resolve(file), WORK.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        run("npm", "install", "--no-audit", "--no-fund", "--loglevel=error");
    }

    @Test
    void theServedDocumentPassesRedoclyLintWithoutErrors() throws Exception {
        Path document = servedDocument();

        String report = run("npx", "--no-install", "redocly", "lint", document.getFileName().toString(),
                "--format=json");

        JsonNode totals = JSON.readTree(report.substring(report.indexOf('{'))).path("totals");
        assertThat(totals.path("errors").asInt(-1)).as("redocly lint errors in the served document:%n%s", report)
                .isZero();
    }

    @Test
    void aClientGeneratedFromTheDocumentSubmitsASignalAndReadsTheConsentItLedTo() throws Exception {
        Path document = servedDocument();
        run("npx", "--no-install", "openapi-typescript", document.getFileName().toString(), "-o", "schema.d.ts");
        // Strict type-checking: the program compiles only if the document types the bodies it sends and reads.
        run("npx", "--no-install", "tsc", "-p", ".");
        String subject = "generated-client-" + UUID.randomUUID();

        String output = run("node", "out/client-check.js", service.toString().replaceAll("/$", ""),
                "test-admin-key", subject);

        JsonNode seen = JSON.readTree(output.lines().filter(line -> line.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no result from the generated client:\n" + output)));
        assertThat(seen.path("signalId").asText()).matches("[0-9a-f-]{36}");
        assertThat(seen.path("duplicate").asBoolean(true)).isFalse();
        assertThat(seen.path("refusedStatus").asInt()).isEqualTo(400);
        assertThat(seen.path("firstError").asText()).isEqualTo("kind");
        assertThat(seen.path("advertisingAllowed").isBoolean()).as(output).isTrue();
        assertThat(seen.path("advertisingAllowed").asBoolean()).as("the opt-out was decided").isFalse();
        assertThat(seen.path("signalState").asText()).as(output).isIn("DECIDED", "PROPAGATING", "PROPAGATED");
    }

    /** The document as this service serves it, saved where the tools read it. */
    private static Path servedDocument() throws IOException {
        String yaml = given().accept("application/yaml").get("/q/openapi").then().statusCode(200).extract().asString();
        Path document = WORK.resolve("served-openapi.yaml");
        Files.writeString(document, yaml, StandardCharsets.UTF_8);
        return document;
    }

    /** Runs a command in the work directory and returns its output; fails with the output if it fails. */
    private static String run(String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(command));
        Path log = Files.createTempFile(WORK.toAbsolutePath(), "command", ".log");
        Process process = new ProcessBuilder(line).directory(WORK.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        Files.delete(log);
        assertThat(finished && process.exitValue() == 0)
                .as("%s%s:%n%s", String.join(" ", line), finished ? " exited " + process.exitValue() : " timed out",
                        output)
                .isTrue();
        return output;
    }
}
