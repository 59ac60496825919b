package io.inferrouter.schemas.kv;

import java.util.List;
import java.util.Objects;

/**
 * One KV-cache event as the router's log carries it ({@link KvEventsRecord}): what vLLM's event
 * said, with block hashes in their 64-bit form ({@link #hex}) and without the token ids, which a
 * router recomputes from its own request.
 *
 * @param type       what happened
 * @param hashes     the blocks, in chain order for {@link Type#STORED}; empty for {@link Type#CLEARED}
 * @param parentHash the block before the first stored one, or null (the first block of a prompt)
 * @param blockSize  tokens per block ({@link Type#STORED}), else null
 * @param loraName   the adapter the blocks were computed with, or null
 * @param medium     where the blocks live ({@code GPU}, {@code CPU}, ...), or null when not said
 */
public record KvBlockEvent(Type type, List<String> hashes, String parentHash, Integer blockSize, String loraName,
                           String medium) {

    /** vLLM's {@code BlockStored}, {@code BlockRemoved} and {@code AllBlocksCleared}. */
    public enum Type { STORED, REMOVED, CLEARED }

    public KvBlockEvent {
        Objects.requireNonNull(type, "type is required");
        hashes = hashes == null ? List.of() : List.copyOf(hashes);
        for (String h : hashes) {
            parse(h);
        }
        if (parentHash != null) {
            parse(parentHash);
        }
        if (type == Type.STORED && (blockSize == null || blockSize < 1)) {
            throw new IllegalArgumentException("a STORED event needs a blockSize >= 1, was " + blockSize);
        }
    }

    /** A 64-bit block hash as the log writes it: 16 lower-case hex digits (JSON numbers lose 64-bit precision). */
    public static String hex(long hash) {
        String h = Long.toHexString(hash);
        return h.length() == 16 ? h : "0".repeat(16 - h.length()) + h;
    }

    /** The 64-bit hash of {@link #hex}'s form. */
    public static long parse(String hex) {
        if (hex == null || hex.length() != 16) {
            throw new IllegalArgumentException("a block hash is 16 hex digits, was '" + hex + "'");
        }
        try {
            return Long.parseUnsignedLong(hex, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a block hash is 16 hex digits, was '" + hex + "'", e);
        }
    }

    /** The hashes as longs, in order. */
    public long[] hashValues() {
        long[] out = new long[hashes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = parse(hashes.get(i));
        }
        return out;
    }

    /** The log's form of one decoded vLLM event: hashes folded to 64 bits ({@link ExternalBlockHash#low64}). */
    public static KvBlockEvent of(KvEvent event) {
        return switch (event) {
            case KvEvent.BlockStored s -> new KvBlockEvent(Type.STORED, hexes(s.blockHashes()),
                    s.parentBlockHash() == null ? null : hex(s.parentBlockHash().low64()), s.blockSize(), s.loraName(),
                    s.medium());
            case KvEvent.BlockRemoved r -> new KvBlockEvent(Type.REMOVED, hexes(r.blockHashes()), null, null, null,
                    r.medium());
            case KvEvent.AllBlocksCleared c -> new KvBlockEvent(Type.CLEARED, List.of(), null, null, null, null);
        };
    }

    private static List<String> hexes(List<ExternalBlockHash> hashes) {
        return hashes.stream().map(h -> hex(h.low64())).toList();
    }
}
