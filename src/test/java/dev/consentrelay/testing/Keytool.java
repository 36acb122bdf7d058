package dev.consentrelay.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The JDK's {@code keytool}, for tests that need a real certificate (it starts a JVM per call). */
public final class Keytool {

    private Keytool() {
    }

    /**
     * A PKCS12 key store at {@code keyStore} holding a new self-signed RSA key pair for {@code CN=localhost} and
     * {@code 127.0.0.1}, valid two days, under {@code alias}, store and key protected by {@code password}.
     */
    public static void selfSigned(Path keyStore, String alias, String password)
            throws IOException, InterruptedException {
        run("-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1", "-storetype", "PKCS12", "-keystore",
                keyStore.toString(), "-storepass", password, "-keypass", password);
    }

    /** Runs keytool with the arguments and checks that it succeeded. */
    public static void run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.add("-J-Xmx64m");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(process.exitValue()).as("keytool %s: %s", args[0], output).isZero();
    }
}
