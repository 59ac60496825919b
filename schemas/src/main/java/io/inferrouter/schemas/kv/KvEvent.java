package io.inferrouter.schemas.kv;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One of vLLM's KV-cache events ({@code vllm/distributed/kv_events.py}): blocks stored in the
 * cache, blocks evicted from it, or the whole cache cleared. Field names in the comments are the
 * wire names.
 */
public sealed interface KvEvent permits KvEvent.BlockStored, KvEvent.BlockRemoved, KvEvent.AllBlocksCleared {

    /** vLLM's {@code MEDIUM_GPU}: the blocks live in GPU memory. */
    String MEDIUM_GPU = "GPU";

    /** The msgspec tag: the event's class name. */
    String type();

    /** This event with every hash in the 64-bit integer form. */
    KvEvent withInt64Hashes();

    /**
     * Which KV-cache group the blocks belong to ({@code group_idx}, {@code kv_cache_spec_kind},
     * {@code kv_cache_spec_sliding_window}). A dense model has one group: {@link #FULL_ATTENTION}.
     */
    record CacheGroup(Integer index, String specKind, Integer slidingWindow) {
        public static final CacheGroup FULL_ATTENTION = new CacheGroup(0, "full_attention", null);
    }

    /**
     * {@code BlockStored}: full blocks newly cached, in chain order, each the child of the one before
     * and the first the child of {@code parent_block_hash} (null: the first block of a prompt).
     *
     * @param tokenIds  {@code token_ids}: the tokens of those blocks, {@code block_size} per block
     * @param loraId    {@code lora_id}: the adapter's integer id (deprecated by vLLM), or null
     * @param medium    {@code medium}: where the blocks live ({@link #MEDIUM_GPU}), or null
     * @param loraName  {@code lora_name}: the adapter's name, part of the hash's extra keys, or null
     * @param extraKeys {@code extra_keys}: null, or one entry per block: null or the extra keys the
     *                  block was hashed with (text for LoRA names and salts; other kinds as decoded)
     * @param group     the cache group, or null when the event does not say
     */
    record BlockStored(List<ExternalBlockHash> blockHashes, ExternalBlockHash parentBlockHash, List<Integer> tokenIds,
                       int blockSize, Integer loraId, String medium, String loraName, List<List<Object>> extraKeys,
                       CacheGroup group) implements KvEvent {

        public BlockStored {
            blockHashes = List.copyOf(Objects.requireNonNull(blockHashes, "block_hashes"));
            tokenIds = List.copyOf(Objects.requireNonNull(tokenIds, "token_ids"));
            if (blockSize < 1) {
                throw new IllegalArgumentException("block_size must be >= 1, was " + blockSize);
            }
            if (extraKeys != null) {
                if (extraKeys.size() != blockHashes.size()) {
                    throw new IllegalArgumentException("extra_keys has " + extraKeys.size() + " entries for "
                            + blockHashes.size() + " block hashes; vLLM sends one per block");
                }
                List<List<Object>> copy = new ArrayList<>(extraKeys.size());
                for (List<Object> keys : extraKeys) {
                    copy.add(keys == null ? null : Collections.unmodifiableList(new ArrayList<>(keys)));
                }
                extraKeys = Collections.unmodifiableList(copy);
            }
        }

        /**
         * Blocks a GPU cache of one full-attention group stored for one request, as vLLM's block pool
         * describes them: every block's extra keys are the LoRA's name, or none.
         */
        public static BlockStored onGpu(List<ExternalBlockHash> blockHashes, ExternalBlockHash parent,
                                        List<Integer> tokenIds, int blockSize, Integer loraId, String loraName) {
            List<List<Object>> extra = new ArrayList<>(blockHashes.size());
            for (int i = 0; i < blockHashes.size(); i++) {
                extra.add(loraName == null ? null : List.of(loraName));
            }
            return new BlockStored(blockHashes, parent, tokenIds, blockSize, loraId, MEDIUM_GPU, loraName, extra,
                    CacheGroup.FULL_ATTENTION);
        }

        @Override
        public String type() {
            return "BlockStored";
        }

        @Override
        public BlockStored withInt64Hashes() {
            return new BlockStored(blockHashes.stream().<ExternalBlockHash>map(ExternalBlockHash::asInt64).toList(),
                    parentBlockHash == null ? null : parentBlockHash.asInt64(), tokenIds, blockSize, loraId, medium,
                    loraName, extraKeys, group);
        }
    }

    /**
     * {@code BlockRemoved}: blocks evicted from the cache.
     *
     * @param medium     {@code medium}, or null
     * @param groupIndex {@code group_idx}, or null when the event does not say
     */
    record BlockRemoved(List<ExternalBlockHash> blockHashes, String medium, Integer groupIndex) implements KvEvent {

        public BlockRemoved {
            blockHashes = List.copyOf(Objects.requireNonNull(blockHashes, "block_hashes"));
        }

        /** One block evicted from a GPU cache of one group, as vLLM's block pool reports each eviction. */
        public static BlockRemoved onGpu(ExternalBlockHash hash) {
            return new BlockRemoved(List.of(hash), MEDIUM_GPU, 0);
        }

        @Override
        public String type() {
            return "BlockRemoved";
        }

        @Override
        public BlockRemoved withInt64Hashes() {
            return new BlockRemoved(blockHashes.stream().<ExternalBlockHash>map(ExternalBlockHash::asInt64).toList(),
                    medium, groupIndex);
        }
    }

    /** {@code AllBlocksCleared}: every cached block is gone (a prefix-cache reset, a restart). */
    record AllBlocksCleared() implements KvEvent {
        @Override
        public String type() {
            return "AllBlocksCleared";
        }

        @Override
        public AllBlocksCleared withInt64Hashes() {
            return this;
        }
    }
}
