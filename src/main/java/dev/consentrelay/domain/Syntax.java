package dev.consentrelay.domain;

/**
 * The fixed-shape strings a signal carries, checked character by character: each signal is validated on the stream
 * thread, where a regular expression's matcher per field cost more than the check.
 */
final class Syntax {

    private static final int UUID_LENGTH = 36;
    private static final int SHA256_HEX_LENGTH = 64;

    private Syntax() {
    }

    /** A UUID in its text form: 8-4-4-4-12 hex digits, either case. */
    static boolean isUuid(String value) {
        if (value == null || value.length() != UUID_LENGTH) {
            return false;
        }
        for (int i = 0; i < UUID_LENGTH; i++) {
            char c = value.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : !isHex(c)) {
                return false;
            }
        }
        return true;
    }

    /** A SHA-256 digest in hex: 64 hex digits, either case. */
    static boolean isSha256Hex(String value) {
        if (value == null || value.length() != SHA256_HEX_LENGTH) {
            return false;
        }
        for (int i = 0; i < SHA256_HEX_LENGTH; i++) {
            if (!isHex(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** A region code: two upper-case letters, optionally '-' and one to three upper-case letters or digits. */
    static boolean isRegionCode(String value) {
        if (value == null) {
            return false;
        }
        int length = value.length();
        if (length != 2 && (length < 4 || length > 6)) {
            return false;
        }
        if (!isUpper(value.charAt(0)) || !isUpper(value.charAt(1))) {
            return false;
        }
        if (length == 2) {
            return true;
        }
        if (value.charAt(2) != '-') {
            return false;
        }
        for (int i = 3; i < length; i++) {
            char c = value.charAt(i);
            if (!isUpper(c) && !(c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }
}
