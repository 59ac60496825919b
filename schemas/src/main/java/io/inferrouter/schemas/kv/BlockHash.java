package io.inferrouter.schemas.kv;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The digest that names one full KV-cache block: vLLM's {@code BlockHash} (32 bytes with
 * {@code sha256_cbor}, 16 with {@code xxhash_cbor}). Immutable; equal when the bytes are equal, so
 * it can key a map without any collision argument. {@link #low64()} is the 64-bit form vLLM's
 * events carry by default ({@code int.from_bytes(digest, "big") & (2**64 - 1)}: the last 8 bytes).
 */
public final class BlockHash {

    private final byte[] digest;
    private final long low64;

    private BlockHash(byte[] digest) {
        this.digest = digest;
        long v = 0;
        for (int i = Math.max(0, digest.length - 8); i < digest.length; i++) {
            v = (v << 8) | (digest[i] & 0xFF);
        }
        this.low64 = v;
    }

    /** A copy of {@code digest}; 1 to 64 bytes. */
    public static BlockHash of(byte[] digest) {
        if (digest == null || digest.length == 0 || digest.length > 64) {
            throw new IllegalArgumentException("a block hash is 1-64 bytes, was "
                    + (digest == null ? "null" : digest.length + " bytes"));
        }
        return new BlockHash(digest.clone());
    }

    /** Parses lower- or upper-case hex. */
    public static BlockHash ofHex(String hex) {
        return of(HexFormat.of().parseHex(hex));
    }

    static BlockHash wrap(byte[] digest) {
        return new BlockHash(digest);
    }

    /** A copy of the digest. */
    public byte[] bytes() {
        return digest.clone();
    }

    public int length() {
        return digest.length;
    }

    /** vLLM's integer form: the digest's last 8 bytes, big-endian, as an unsigned 64-bit value. */
    public long low64() {
        return low64;
    }

    public String hex() {
        return HexFormat.of().formatHex(digest);
    }

    void writeTo(CanonicalCbor out) {
        out.bytes(digest);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlockHash other && low64 == other.low64 && Arrays.equals(digest, other.digest);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(low64);
    }

    @Override
    public String toString() {
        return hex();
    }
}
