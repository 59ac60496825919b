package io.inferrouter.schemas.kv;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * vLLM's prefix-cache block hash with {@code --prefix-caching-hash-algo sha256_cbor}, so that a
 * router computes, from a prompt's token ids, the very hashes a pod caches its blocks under and
 * publishes in its KV events (vllm/v1/core/kv_cache_utils.py, vllm/utils/hashing.py):
 * <ul>
 *   <li>{@code sha256_cbor(x) = SHA-256(cbor2.dumps(x, canonical=True))};</li>
 *   <li>the root: {@code NONE_HASH = sha256_cbor(PYTHONHASHSEED)} (the seed as a text string), or
 *       32 random bytes when the seed is unset ({@link #unseeded()});</li>
 *   <li>one hash per full block of {@code blockSize} tokens, chained:
 *       {@code sha256_cbor((parent or NONE_HASH, tuple(block_token_ids), extra_keys))}, where
 *       {@code extra_keys} is {@code None} or the tuple of the LoRA's name, then (first block only)
 *       the request's {@code cache_salt}. A partial last block has no hash.</li>
 * </ul>
 * Multi-modal and prompt-embedding extra keys are not supported: no simulated request has them.
 * Thread-safe; each call uses its own digest.
 */
public final class BlockHasher {

    private final String seed;
    private final BlockHash root;

    private BlockHasher(String seed, BlockHash root) {
        this.seed = seed;
        this.root = root;
    }

    /** The hasher of a pod started with {@code PYTHONHASHSEED=seed}. */
    public static BlockHasher seeded(String seed) {
        if (seed == null || seed.isEmpty()) {
            throw new IllegalArgumentException("a hash seed must not be empty; use unseeded() for a random root");
        }
        CanonicalCbor cbor = new CanonicalCbor().text(seed);
        return new BlockHasher(seed, BlockHash.wrap(sha256(cbor)));
    }

    /** A pod without PYTHONHASHSEED: a random root nobody else can reproduce, as vLLM then has. */
    public static BlockHasher unseeded() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return new BlockHasher(null, BlockHash.wrap(random));
    }

    /** The seed, or null for a random root. */
    public String seed() {
        return seed;
    }

    /** vLLM's {@code NONE_HASH}: the parent of every first block. */
    public BlockHash root() {
        return root;
    }

    /**
     * {@code hash_block_tokens}: the hash of the block {@code tokens[from, to)} after {@code parent}
     * (null for the first block).
     *
     * @param extraKeys null or the block's extra keys (text strings), in vLLM's order
     */
    public BlockHash hashBlock(BlockHash parent, int[] tokens, int from, int to, List<String> extraKeys) {
        return hashBlock(new CanonicalCbor(), digest(), parent, tokens, from, to, extraKeys);
    }

    /**
     * The hashes of every full block of a prompt, in order.
     *
     * @param loraName  the adapter the request runs under, or null for the base model
     * @param cacheSalt the request's {@code cache_salt}, or null
     */
    public BlockHash[] promptHashes(int[] tokens, int blockSize, String loraName, String cacheSalt) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("block size must be >= 1, was " + blockSize);
        }
        int full = tokens.length / blockSize;
        BlockHash[] out = new BlockHash[full];
        CanonicalCbor cbor = new CanonicalCbor();
        MessageDigest sha = digest();
        BlockHash parent = null;
        for (int b = 0; b < full; b++) {
            parent = hashBlock(cbor, sha, parent, tokens, b * blockSize, (b + 1) * blockSize,
                    extraKeys(loraName, b == 0 ? cacheSalt : null));
            out[b] = parent;
        }
        return out;
    }

    /** vLLM's {@code generate_block_hash_extra_keys} for text requests: LoRA name, then cache salt. */
    public static List<String> extraKeys(String loraName, String firstBlockCacheSalt) {
        if (loraName == null && (firstBlockCacheSalt == null || firstBlockCacheSalt.isEmpty())) {
            return null;
        }
        List<String> keys = new ArrayList<>(2);
        if (loraName != null) {
            keys.add(loraName);
        }
        if (firstBlockCacheSalt != null && !firstBlockCacheSalt.isEmpty()) {
            keys.add(firstBlockCacheSalt);
        }
        return List.copyOf(keys);
    }

    /** The canonical CBOR that is hashed for one block; tests compare it byte by byte. */
    byte[] blockInput(BlockHash parent, int[] tokens, int from, int to, List<String> extraKeys) {
        CanonicalCbor cbor = new CanonicalCbor();
        writeBlock(cbor, parent, tokens, from, to, extraKeys);
        return cbor.toByteArray();
    }

    private BlockHash hashBlock(CanonicalCbor cbor, MessageDigest sha, BlockHash parent, int[] tokens, int from,
                                int to, List<String> extraKeys) {
        if (from < 0 || to > tokens.length || from > to) {
            throw new IllegalArgumentException("block [" + from + ", " + to + ") is outside the " + tokens.length
                    + " tokens");
        }
        cbor.reset();
        writeBlock(cbor, parent, tokens, from, to, extraKeys);
        sha.reset();
        sha.update(cbor.buffer(), 0, cbor.size());
        return BlockHash.wrap(sha.digest());
    }

    private void writeBlock(CanonicalCbor cbor, BlockHash parent, int[] tokens, int from, int to,
                            List<String> extraKeys) {
        cbor.array(3);
        (parent == null ? root : parent).writeTo(cbor);
        cbor.array(to - from);
        for (int i = from; i < to; i++) {
            cbor.integer(tokens[i]);
        }
        if (extraKeys == null) {
            cbor.nil();
        } else {
            cbor.array(extraKeys.size());
            extraKeys.forEach(cbor::text);
        }
    }

    private static byte[] sha256(CanonicalCbor cbor) {
        MessageDigest sha = digest();
        sha.update(cbor.buffer(), 0, cbor.size());
        return sha.digest();
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
