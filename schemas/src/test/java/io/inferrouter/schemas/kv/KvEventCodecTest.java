package io.inferrouter.schemas.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferrouter.schemas.kv.KvEvent.AllBlocksCleared;
import io.inferrouter.schemas.kv.KvEvent.BlockRemoved;
import io.inferrouter.schemas.kv.KvEvent.BlockStored;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class KvEventCodecTest {

    private static final HexFormat HEX = HexFormat.of();

    /**
     * A batch a vLLM 0.26.0 pod published (volcano-sh/kthena#1535 quotes it decoded), packed again
     * with Python's msgpack ({@code msgpack.packb(batch, use_bin_type=True)}), which writes every value
     * in the same smallest form msgspec does.
     */
    private static final String VLLM_026_BATCH = "93cb41daa8dbe0359fe7918ba474797065ab426c6f636b53746f726564ac626c"
            + "6f636b5f68617368657391cfdab89baa7b5857c0b1706172656e745f626c6f636b5f68617368c0a9746f6b656e5f696473dc"
            + "0010ce0002505ccd0368ccc6cd2368cd0176cd0117cd1a42cd013bcd15f01ece0002505dccc6ce0002505cce00012d23ccc6"
            + "ce00025073aa626c6f636b5f73697a6510a76c6f72615f6964c0a66d656469756da3475055a96c6f72615f6e616d65c0aa65"
            + "787472615f6b65797391c0a967726f75705f69647800b26b765f63616368655f737065635f6b696e64ae66756c6c5f617474"
            + "656e74696f6e00";

    /**
     * The array form of vLLM before #42892 (packed with Python's msgpack):
     * {@code [1700000000.5, [["BlockStored", [1, 2**64-1], None, [1..8], 4, None, "GPU", None],
     * ["BlockRemoved", [7], "GPU"], ["AllBlocksCleared"]], 0]}.
     */
    private static final String ARRAY_FORM_BATCH = "93cb41d954fc402000009398ab426c6f636b53746f7265649201cfffffffffff"
            + "ffffffc098010203040506070804c0a3475055c093ac426c6f636b52656d6f7665649107a347505591b0416c6c426c6f636b"
            + "73436c656172656400";

    /** The same without {@code lora_name}, as vLLM wrote it before #27577 (and its example subscriber declares). */
    private static final String ARRAY_FORM_WITHOUT_LORA_NAME = "93cb41d954fc402000009397ab426c6f636b53746f72656492"
            + "01cfffffffffffffffffc098010203040506070804c0a347505593ac426c6f636b52656d6f7665649107a347505591b0416c"
            + "6c426c6f636b73436c656172656400";

    @Test
    void decodesWhatVllm026PublishesAndWritesTheSameBytes() {
        byte[] wire = HEX.parseHex(VLLM_026_BATCH);
        KvEventBatch batch = KvEventCodec.decode(wire);
        assertThat(batch.ts()).isEqualTo(1789095808.8378847);
        assertThat(batch.dataParallelRank()).isZero();
        BlockStored s = (BlockStored) batch.events().getFirst();
        assertThat(s.blockHashes()).extracting(Object::toString).containsExactly("15760518052499183552");
        assertThat(s.parentBlockHash()).isNull();
        assertThat(s.tokenIds()).hasSize(16).startsWith(151644, 872, 198);
        assertThat(s.blockSize()).isEqualTo(16);
        assertThat(s.medium()).isEqualTo("GPU");
        assertThat(s.extraKeys()).containsExactly((List<Object>) null);
        assertThat(s.group()).isEqualTo(KvEvent.CacheGroup.FULL_ATTENTION);
        assertThat(HEX.formatHex(KvEventCodec.encode(batch, KvEventEncoding.MAP))).isEqualTo(VLLM_026_BATCH);
    }

    @Test
    void decodesTheOlderArrayFormAndWritesTheSameBytes() {
        KvEventBatch batch = KvEventCodec.decode(HEX.parseHex(ARRAY_FORM_BATCH));
        assertThat(batch.events()).hasSize(3);
        BlockStored s = (BlockStored) batch.events().get(0);
        assertThat(s.blockHashes()).containsExactly(new ExternalBlockHash.Int64(1), new ExternalBlockHash.Int64(-1));
        assertThat(s.loraName()).isNull();
        assertThat(s.group()).isNull();
        assertThat(batch.events().get(1)).isEqualTo(new BlockRemoved(List.of(new ExternalBlockHash.Int64(7)), "GPU",
                null));
        assertThat(batch.events().get(2)).isEqualTo(new AllBlocksCleared());
        assertThat(HEX.formatHex(KvEventCodec.encode(batch, KvEventEncoding.ARRAY))).isEqualTo(ARRAY_FORM_BATCH);
        assertThat(KvEventCodec.decode(HEX.parseHex(ARRAY_FORM_WITHOUT_LORA_NAME))).isEqualTo(batch);
    }

    @Test
    void arrayFormLeavesOutOnlyTrailingDefaults() {
        BlockStored withGroupOnly = new BlockStored(List.of(new ExternalBlockHash.Int64(5)), null, List.of(1), 1, null,
                "GPU", null, null, KvEvent.CacheGroup.FULL_ATTENTION);
        byte[] wire = KvEventCodec.encode(new KvEventBatch(1.0, List.of(withGroupOnly), null), KvEventEncoding.ARRAY);
        // [1.0, [["BlockStored", [5], nil, [1], 1, nil, "GPU", nil, nil(extra_keys), 0, "full_attention"]]]
        String expected = "92" + "cb3ff0000000000000" + "91" + "9b" + "ab426c6f636b53746f726564" + "9105" + "c0" + "9101"
                + "01" + "c0" + "a3475055" + "c0" + "c0" + "00" + "ae66756c6c5f617474656e74696f6e";
        assertThat(HEX.formatHex(wire)).isEqualTo(expected);
        assertThat(KvEventCodec.decode(wire).events()).containsExactly(withGroupOnly);
    }

    @Test
    void everyEventRoundTripsInBothFormsWithBothHashForms() {
        BlockHash h1 = BlockHash.of(bytes(32, 1));
        BlockHash h2 = BlockHash.of(bytes(32, 2));
        List<KvEvent> events = List.of(
                BlockStored.onGpu(List.of(new ExternalBlockHash.Digest(h1), new ExternalBlockHash.Digest(h2)), null,
                        List.of(1, 2, 3, 4, 5, 6, 7, 8), 4, 1, "sql-lora"),
                BlockStored.onGpu(List.of(new ExternalBlockHash.Digest(h2)), new ExternalBlockHash.Digest(h1),
                        List.of(9, 10, 11, 12), 4, null, null),
                BlockRemoved.onGpu(new ExternalBlockHash.Digest(h1)),
                new AllBlocksCleared());
        KvEventBatch batch = new KvEventBatch(1_700_000_000.25, events, 0);
        for (KvEventEncoding encoding : KvEventEncoding.values()) {
            assertThat(KvEventCodec.decode(KvEventCodec.encode(batch, encoding))).as("%s", encoding).isEqualTo(batch);
            KvEventBatch ints = batch.withInt64Hashes();
            assertThat(KvEventCodec.decode(KvEventCodec.encode(ints, encoding))).as("%s ints", encoding)
                    .isEqualTo(ints);
        }
        BlockStored asInts = (BlockStored) batch.withInt64Hashes().events().get(1);
        assertThat(asInts.parentBlockHash()).isEqualTo(new ExternalBlockHash.Int64(h1.low64()));
    }

    @Test
    void malformedBatchesSayWhereAndWhy() {
        assertMalformed("", "empty");
        assertMalformed("c1", "0xc1");
        assertMalformed("92cb3ff0", "exceeds");                      // truncated float
        assertMalformed("a3616263", "expected an array or a map");   // a string, not a batch
        assertMalformed("91cb3ff0000000000000", "$: missing events");
        assertMalformed("92cb3ff000000000000091" + "91a4" + "4e6f7065", "unknown event type 'Nope'");
        assertMalformed("92cb3ff000000000000091" + "92ab426c6f636b53746f726564" + "90", "missing parent_block_hash");
        // BlockStored with a string where block_hashes belongs
        assertMalformed("92cb3ff000000000000091" + "95ab426c6f636b53746f726564" + "a178" + "c0" + "90" + "04",
                "$.events[0].block_hashes: expected an array, got a string");
        // a token id beyond 32 bits
        assertMalformed("92cb3ff000000000000091" + "95ab426c6f636b53746f726564" + "90" + "c0" + "91cf0000000100000000"
                + "04", "$.events[0].token_ids[0]: expected a 32-bit integer");
        // block_size 0 breaks BlockStored's invariant
        assertMalformed("92cb3ff000000000000091" + "95ab426c6f636b53746f726564" + "90" + "c0" + "90" + "00",
                "block_size must be >= 1");
        // an array header claiming 65535 items with none following
        assertMalformed("92cb3ff0000000000000dcffff", "exceeds");
        // ext types are not part of the format
        assertMalformed("d40100", "ext");
        // bytes after the batch
        assertMalformed("92cb3ff00000000000009000", "1 bytes follow");
        // an event with no tag
        assertMalformed("92cb3ff00000000000009190", "no type tag");
        assertMalformed("92cb3ff00000000000009181a174a0", "$.events[0]: the event has no type tag");
    }

    @Test
    void unknownMapKeysAndExtraTrailingItemsAreIgnoredAsMsgspecDoes() {
        // {"type": "BlockRemoved", "block_hashes": [7], "medium": "GPU", "locality": "LOCAL"}
        String map = "84a474797065ac426c6f636b52656d6f766564ac626c6f636b5f686173686573" + "9107"
                + "a66d656469756d" + "a3475055" + "a86c6f63616c697479" + "a54c4f43414c";
        KvEventBatch b = KvEventCodec.decode(HEX.parseHex("93cb3ff000000000000091" + map + "00" ));
        assertThat(b.events()).containsExactly(new BlockRemoved(List.of(new ExternalBlockHash.Int64(7)), "GPU", null));
        // ["BlockRemoved", [7], "GPU", 0, "extra"] and a batch with a fourth item
        KvEventBatch a = KvEventCodec.decode(HEX.parseHex("94cb3ff000000000000091" + "95ac426c6f636b52656d6f766564"
                + "9107a347505500a56578747261" + "0001"));
        assertThat(a.events()).containsExactly(new BlockRemoved(List.of(new ExternalBlockHash.Int64(7)), "GPU", 0));
    }

    private static void assertMalformed(String hex, String reason) {
        assertThatThrownBy(() -> KvEventCodec.decode(HEX.parseHex(hex)))
                .as("payload %s", hex)
                .isInstanceOf(MalformedKvEventsException.class)
                .hasMessageStartingWith("malformed KV event batch: ")
                .hasMessageContaining(reason);
    }

    private static byte[] bytes(int n, int fill) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) fill);
        return b;
    }
}
