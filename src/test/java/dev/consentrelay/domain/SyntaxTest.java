package dev.consentrelay.domain;

import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SyntaxTest {

    /** The shapes as the contract states them; the checks must accept exactly what these accept. */
    private static final Pattern UUID = Pattern
            .compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    private static final Pattern SHA256_HEX = Pattern.compile("^[0-9a-fA-F]{64}$");
    private static final Pattern REGION = Pattern.compile("^[A-Z]{2}(-[A-Z0-9]{1,3})?$");

    @Test
    void shouldAcceptWellFormedValuesAndRefuseNearMisses() {
        assertThat(Syntax.isUuid("123e4567-e89b-12d3-a456-426614174000")).isTrue();
        assertThat(Syntax.isUuid("123E4567-E89B-12D3-A456-426614174000")).isTrue();
        assertThat(Syntax.isUuid("123e4567-e89b-12d3-a456-42661417400")).isFalse();
        assertThat(Syntax.isUuid("123e4567e-89b-12d3-a456-426614174000")).isFalse();
        assertThat(Syntax.isUuid("123e4567-e89b-12d3-a456-42661417400g")).isFalse();
        assertThat(Syntax.isUuid("1-1-1-1-1")).isFalse();
        assertThat(Syntax.isUuid(null)).isFalse();

        assertThat(Syntax.isSha256Hex("a".repeat(63) + "F")).isTrue();
        assertThat(Syntax.isSha256Hex("a".repeat(63))).isFalse();
        assertThat(Syntax.isSha256Hex("a".repeat(63) + "g")).isFalse();
        assertThat(Syntax.isSha256Hex("someone@example.com")).isFalse();

        for (String code : List.of("EU", "UK", "US-CA", "FR-75", "DE-BY1")) {
            assertThat(Syntax.isRegionCode(code)).as(code).isTrue();
        }
        for (String code : List.of("", "E", "eu", "EUR", "US-", "US-CALI", "US_CA", "U1", "US-ca", "US-C-")) {
            assertThat(Syntax.isRegionCode(code)).as(code).isFalse();
        }
        assertThat(Syntax.isRegionCode(null)).isFalse();
    }

    @Test
    void shouldAgreeWithTheContractsPatternsOnRandomStringsOfTheRightShape() {
        Random random = new Random(42);
        String alphabet = "0123456789abcdefABCDEFgG-xZ_ ";
        for (int i = 0; i < 200_000; i++) {
            String uuid = mutate(random, "123e4567-e89b-12d3-a456-426614174000", alphabet);
            assertThat(Syntax.isUuid(uuid)).as(uuid).isEqualTo(UUID.matcher(uuid).matches());
            String digest = mutate(random, "0123456789abcdef".repeat(4), alphabet);
            assertThat(Syntax.isSha256Hex(digest)).as(digest).isEqualTo(SHA256_HEX.matcher(digest).matches());
            String region = random(random, random.nextInt(8), "ABCZ09-a_");
            assertThat(Syntax.isRegionCode(region)).as(region).isEqualTo(REGION.matcher(region).matches());
        }
    }

    /** The value with up to two characters replaced, and sometimes one dropped or added. */
    private static String mutate(Random random, String value, String alphabet) {
        StringBuilder out = new StringBuilder(value);
        for (int n = random.nextInt(3); n > 0; n--) {
            out.setCharAt(random.nextInt(out.length()), alphabet.charAt(random.nextInt(alphabet.length())));
        }
        switch (random.nextInt(6)) {
            case 0 -> out.deleteCharAt(random.nextInt(out.length()));
            case 1 -> out.insert(random.nextInt(out.length() + 1), alphabet.charAt(random.nextInt(alphabet.length())));
            default -> {
            }
        }
        return out.toString();
    }

    private static String random(Random random, int length, String alphabet) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }
}
