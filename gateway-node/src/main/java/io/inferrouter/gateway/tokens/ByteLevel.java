package io.inferrouter.gateway.tokens;

/**
 * GPT-2's byte-level alphabet, as Hugging Face's ByteLevel pre-tokenizer uses it: every byte is
 * written as one printable character (printable Latin-1 bytes as themselves, the rest from U+0100 on),
 * so a byte-level vocabulary is keyed by strings of these characters.
 */
final class ByteLevel {

    /** GPT-2's pre-tokenizer regex, which ByteLevel applies when {@code use_regex} is true. */
    static final String GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    private static final char[] BYTE_TO_CHAR = new char[256];

    static {
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_TO_CHAR[b] = printable ? (char) b : (char) (256 + n++);
        }
    }

    private ByteLevel() {
    }

    /** The character that stands for byte {@code b} (0-255). */
    static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The bytes a vocabulary entry stands for, or null when a character is not of the byte-level alphabet. */
    static byte[] bytesOf(String token) {
        byte[] out = new byte[token.length()];
        for (int i = 0; i < out.length; i++) {
            int b = byteOf(token.charAt(i));
            if (b < 0) {
                return null;
            }
            out[i] = (byte) b;
        }
        return out;
    }

    private static int byteOf(char c) {
        if (c < 256) {
            return BYTE_TO_CHAR[c] == c ? c : -1;
        }
        for (int b = 0; b < 256; b++) {
            if (BYTE_TO_CHAR[b] == c) {
                return b;
            }
        }
        return -1;
    }
}
