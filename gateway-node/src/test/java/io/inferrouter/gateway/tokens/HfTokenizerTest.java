package io.inferrouter.gateway.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferrouter.schemas.serde.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java tokenizer against Hugging Face's own (Rust) on the test tokenizer.json files: every text of
 * {@code tokens/hf-vectors.json}, written by the reference through DJL ({@code MakeHfVectors.java}).
 */
class HfTokenizerTest {

    private static final Map<String, HfTokenizer> LOADED = new HashMap<>();

    static Path resource(String name) {
        try {
            return Path.of(HfTokenizerTest.class.getResource("/tokens/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static synchronized HfTokenizer tokenizer(String name) {
        return LOADED.computeIfAbsent(name, n -> HfTokenizer.load(resource(n)));
    }

    private static JsonNode vectors() throws IOException {
        try (InputStream in = HfTokenizerTest.class.getResourceAsStream("/tokens/hf-vectors.json")) {
            return Json.mapper().readTree(in);
        }
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    @Test
    void givesTheReferenceIdsForEveryTestText() throws IOException {
        int checked = 0;
        for (JsonNode c : vectors().path("cases")) {
            HfTokenizer t = tokenizer(c.path("tokenizer").asText());
            String text = c.path("text").asText();
            assertThat(t.encode(text, true)).as("%s %s", c.path("tokenizer").asText(), text)
                    .containsExactly(ints(c.path("ids")));
            assertThat(t.encode(text, false)).as("%s %s without special tokens", c.path("tokenizer").asText(), text)
                    .containsExactly(ints(c.path("idsWithoutSpecial")));
            checked++;
        }
        assertThat(checked).isGreaterThan(400);
    }

    @Test
    void theLlama3LayoutStartsWithBeginOfTextAndKeepsSpecialTokensWhole() {
        HfTokenizer t = tokenizer("llama3-style.json");
        int[] ids = t.encode("<|start_header_id|>user<|end_header_id|>", true);
        assertThat(ids[0]).isEqualTo(569);
        assertThat(ids[1]).isEqualTo(571);
        assertThat(ids[ids.length - 1]).isEqualTo(572);
    }

    @Test
    void aCutTextGivesAPrefixOfTheWholeTextsIdsAndDropsWhatTheCutCouldChange() throws IOException {
        for (String name : new String[] {"llama3-style.json", "gpt2-style.json"}) {
            HfTokenizer t = tokenizer(name);
            for (JsonNode c : vectors().path("cases")) {
                String text = c.path("text").asText();
                int[] whole = t.encode(text, true);
                for (int cutAt = 0; cutAt < text.length(); cutAt += 7) {
                    int[] prefix = t.encode(text.substring(0, cutAt), true, true, Integer.MAX_VALUE);
                    assertThat(prefix.length).as("%s cut at %d", text, cutAt).isLessThanOrEqualTo(whole.length);
                    assertThat(prefix).as("%s cut at %d", text, cutAt)
                            .containsExactly(Arrays.copyOf(whole, prefix.length));
                }
            }
        }
        // A long text cut late keeps nearly all of its ids.
        HfTokenizer t = tokenizer("llama3-style.json");
        String text = "The quick brown fox jumps over the lazy dog. ".repeat(50);
        int[] whole = t.encode(text, true);
        int[] cut = t.encode(text.substring(0, text.length() - 3), true, true, Integer.MAX_VALUE);
        assertThat(cut.length).isGreaterThan(whole.length - 20);
    }

    @Test
    void aTokenLimitGivesTheLeadingIds() {
        HfTokenizer t = tokenizer("gpt2-style.json");
        String text = "You are a helpful assistant. ".repeat(40);
        int[] whole = t.encode(text, true);
        assertThat(t.encode(text, true, false, 25)).containsExactly(Arrays.copyOf(whole, 25));
        assertThat(t.tokenize(text, PromptForm.TEXT, false, 10)).containsExactly(Arrays.copyOf(whole, 10));
    }

    @Test
    void chatAndPromptListsAreNotTokenizedWithoutTheModelsChatTemplate() {
        HfTokenizer t = tokenizer("llama3-style.json");
        assertThat(t.tokenize("user: hi\n", PromptForm.CHAT, false, 100)).isNull();
        assertThat(t.tokenize("a\nb\n", PromptForm.LIST, false, 100)).isNull();
    }

    @Test
    void mergingByHeapAndByScanningGiveTheSameIds() throws IOException {
        for (String name : new String[] {"llama3-style.json", "gpt2-style.json"}) {
            HfTokenizer byHeap = tokenizer(name).merging(false);
            HfTokenizer byScan = tokenizer(name).merging(true);
            for (JsonNode c : vectors().path("cases")) {
                String text = c.path("text").asText();
                assertThat(byHeap.encode(text, true)).as(text).containsExactly(byScan.encode(text, true));
            }
        }
    }

    @Test
    void aMissingFileIsRefusedWithItsPath(@TempDir Path dir) {
        Path missing = dir.resolve("nope/tokenizer.json");
        assertThatThrownBy(() -> HfTokenizer.load(missing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("cannot read");
    }

    @Test
    void anUnsupportedTokenizerIsRefusedWithWhatIsNotSupported(@TempDir Path dir) throws IOException {
        Path wordPiece = dir.resolve("bert.json");
        Files.writeString(wordPiece, """
                {"version": "1.0", "added_tokens": [], "normalizer": null,
                 "pre_tokenizer": {"type": "BertPreTokenizer"},
                 "model": {"type": "WordPiece", "vocab": {"a": 0}}}""");
        assertThatThrownBy(() -> HfTokenizer.load(wordPiece)).hasMessageContaining(wordPiece.toString())
                .hasMessageContaining("model type WordPiece");
        Path metaspace = dir.resolve("llama2.json");
        String gpt2 = Files.readString(resource("gpt2-style.json"));
        Files.writeString(metaspace, gpt2.replace("\"byte_fallback\": false", "\"byte_fallback\": true"));
        assertThatThrownBy(() -> HfTokenizer.load(metaspace)).hasMessageContaining("byte_fallback");
        Path notJson = dir.resolve("broken.json");
        Files.writeString(notJson, "{\"model\": ");
        assertThatThrownBy(() -> HfTokenizer.load(notJson)).hasMessageContaining("cannot read");
    }
}
