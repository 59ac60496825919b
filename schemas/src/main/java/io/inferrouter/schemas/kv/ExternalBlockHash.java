package io.inferrouter.schemas.kv;

import java.util.Objects;

/**
 * A block hash as vLLM's KV events carry it ({@code ExternalBlockHash = bytes | int}): the 64-bit
 * integer form, which vLLM sends by default ({@code VLLM_KV_EVENTS_USE_INT_BLOCK_HASHES=1}), or the
 * whole digest ({@code =0}). Both give {@link #low64()}, so an index keyed by it accepts either.
 */
public sealed interface ExternalBlockHash permits ExternalBlockHash.Int64, ExternalBlockHash.Digest {

    /** The unsigned 64-bit form (for a digest: its last 8 bytes, as vLLM derives the integer form). */
    long low64();

    /** This hash in the form vLLM's {@code maybe_convert_block_hash} gives with int hashes on. */
    default Int64 asInt64() {
        return this instanceof Int64 i ? i : new Int64(low64());
    }

    static ExternalBlockHash of(BlockHash hash, boolean intForm) {
        return intForm ? new Int64(hash.low64()) : new Digest(hash);
    }

    /** The integer form; {@code value} holds the unsigned 64 bits. */
    record Int64(long value) implements ExternalBlockHash {
        @Override
        public long low64() {
            return value;
        }

        @Override
        public String toString() {
            return Long.toUnsignedString(value);
        }
    }

    /** The raw digest. */
    record Digest(BlockHash hash) implements ExternalBlockHash {
        public Digest {
            Objects.requireNonNull(hash, "hash");
        }

        @Override
        public long low64() {
            return hash.low64();
        }

        @Override
        public String toString() {
            return hash.hex();
        }
    }
}
