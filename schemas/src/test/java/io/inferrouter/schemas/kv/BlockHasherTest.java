package io.inferrouter.schemas.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlockHasherTest {

    private static final HexFormat HEX = HexFormat.of();

    /** block-hash-vectors.json was written by make_block_hash_vectors.py, which follows vLLM's code. */
    @Test
    void hashesEqualVllmsSha256CborVectors() throws Exception {
        JsonNode cases;
        try (InputStream in = getClass().getResourceAsStream("/kv/block-hash-vectors.json")) {
            cases = new ObjectMapper().readTree(in);
        }
        assertThat(cases.size()).isGreaterThanOrEqualTo(8);
        for (JsonNode c : cases) {
            String name = c.get("name").asText();
            BlockHasher hasher = BlockHasher.seeded(c.get("seed").asText());
            int[] tokens = ints(c.get("tokens"));
            int blockSize = c.get("block_size").asInt();
            String lora = c.path("lora_name").isTextual() ? c.get("lora_name").asText() : null;
            String salt = c.path("cache_salt").isTextual() ? c.get("cache_salt").asText() : null;

            assertThat(hasher.root().hex()).as("%s: NONE_HASH", name).isEqualTo(c.get("none_hash").asText());
            assertThat(HEX.formatHex(hasher.blockInput(null, tokens, 0, blockSize, BlockHasher.extraKeys(lora, salt))))
                    .as("%s: CBOR of the first block", name).isEqualTo(c.get("first_block_cbor").asText());
            BlockHash[] hashes = hasher.promptHashes(tokens, blockSize, lora, salt);
            List<String> hex = new ArrayList<>();
            List<String> ints = new ArrayList<>();
            for (BlockHash h : hashes) {
                hex.add(h.hex());
                ints.add(Long.toUnsignedString(h.low64()));
            }
            assertThat(hex).as("%s: block hashes", name).isEqualTo(texts(c.get("hashes")));
            assertThat(ints).as("%s: int form", name).isEqualTo(texts(c.get("int_hashes")));
        }
    }

    @Test
    void firstBlockCborIsAnArrayOfParentTokensAndNullByteByByte() {
        BlockHasher hasher = BlockHasher.seeded("0");
        byte[] cbor = hasher.blockInput(null, new int[] {1, 23, 24, 300, -2}, 0, 5, null);
        StringBuilder expected = new StringBuilder()
                .append("83")                       // array of 3
                .append("5820").append(hasher.root().hex()) // byte string of 32: NONE_HASH
                .append("85")                       // array of 5 token ids
                .append("01")                       // 1: inline
                .append("17")                       // 23: still inline
                .append("1818")                     // 24: one-byte head
                .append("19012c")                   // 300: two-byte head
                .append("21")                       // -2: major type 1, 1
                .append("f6");                      // extra_keys None
        assertThat(HEX.formatHex(cbor)).isEqualTo(expected.toString());

        byte[] withLora = hasher.blockInput(BlockHash.of(new byte[] {7}), new int[] {5}, 0, 1, List.of("a"));
        // [h'07', [5], ["a"]]
        assertThat(HEX.formatHex(withLora)).isEqualTo("83" + "4107" + "8105" + "816161");
    }

    @Test
    void chainDependsOnEveryEarlierBlockTheLoraAndTheSeed() {
        int[] a = {1, 2, 3, 4, 5, 6, 7, 8};
        int[] b = {9, 2, 3, 4, 5, 6, 7, 8};
        BlockHasher h = BlockHasher.seeded("0");
        BlockHash[] ha = h.promptHashes(a, 4, null, null);
        BlockHash[] hb = h.promptHashes(b, 4, null, null);
        assertThat(ha[1]).as("same second block after a different first block").isNotEqualTo(hb[1]);
        assertThat(h.promptHashes(a, 4, "lora", null)[0]).isNotEqualTo(ha[0]);
        assertThat(BlockHasher.seeded("1").promptHashes(a, 4, null, null)[0]).isNotEqualTo(ha[0]);
        assertThat(h.promptHashes(a, 4, null, null)).containsExactly(ha);
        assertThat(h.hashBlock(ha[0], a, 4, 8, null)).isEqualTo(ha[1]);
    }

    @Test
    void unseededRootsAreRandomAndBadInputIsRefused() {
        assertThat(BlockHasher.unseeded().root()).isNotEqualTo(BlockHasher.unseeded().root());
        assertThat(BlockHasher.unseeded().seed()).isNull();
        assertThatThrownBy(() -> BlockHasher.seeded("")).hasMessageContaining("unseeded()");
        assertThatThrownBy(() -> BlockHasher.seeded("0").promptHashes(new int[4], 0, null, null))
                .hasMessageContaining("block size");
        assertThatThrownBy(() -> BlockHash.of(new byte[0])).hasMessageContaining("1-64 bytes");
    }

    @Test
    void low64IsTheLastEightBytesUnsigned() {
        BlockHash h = BlockHash.ofHex("00".repeat(24) + "ff00000000000001");
        assertThat(Long.toUnsignedString(h.low64())).isEqualTo("18374686479671623681");
        assertThat(BlockHash.ofHex("0102").low64()).isEqualTo(0x0102);
        assertThat(h).isEqualTo(BlockHash.of(h.bytes())).hasSameHashCodeAs(BlockHash.of(h.bytes()));
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
