package io.inferrouter.schemas.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferrouter.schemas.serde.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SimTokenizerTest {

    /** model-sim's tokenizer as it was written before it moved here: substrings and their String hash. */
    private static int[] original(String text) {
        List<Integer> ids = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            for (int p = start; p < i; p += 4) {
                int h = text.substring(p, Math.min(i, p + 4)).hashCode() * 0x9E3779B9;
                h ^= h >>> 16;
                ids.add(Integer.remainderUnsigned(h, SimTokenizer.VOCAB_SIZE));
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void givesTheIdsModelSimsOwnAlgorithmGave() {
        Random random = new Random(7);
        String alphabet = "ab c\td\nefgh  \u00e9\u65e5\u672c\u2003\uD83D\uDE00xyz0123456789.,'";
        for (int t = 0; t < 500; t++) {
            StringBuilder b = new StringBuilder();
            int len = random.nextInt(300);
            for (int k = 0; k < len; k++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = b.toString();
            assertThat(SimTokenizer.encode(text)).as(text).containsExactly(original(text));
        }
        assertThat(SimTokenizer.encode("")).isEmpty();
        assertThat(SimTokenizer.encode("abcdefghij")).hasSize(3);
    }

    @Test
    void aTokenLimitGivesTheLeadingIds() {
        String text = "the quick brown fox jumps over the lazy dog ".repeat(20);
        int[] all = SimTokenizer.encode(text);
        assertThat(SimTokenizer.encode(text, 7)).containsExactly(java.util.Arrays.copyOf(all, 7));
        assertThat(SimTokenizer.encode(text, all.length + 5)).containsExactly(all);
        assertThat(SimTokenizer.encode(text, 0)).isEmpty();
    }

    @Test
    void chatMessagesBecomeRoleColonContentLines() throws Exception {
        JsonNode body = Json.mapper().readTree("""
                {"messages": [{"role": "system", "content": "be brief"},
                              {"content": [{"type": "text", "text": "hi "}, {"type": "image_url"}, {"text": null},
                                           {"text": "there"}]},
                              {"role": null, "content": null},
                              {"role": "assistant", "content": 5}]}""");
        assertThat(SimTokenizer.chatPrompt(body))
                .isEqualTo("system: be brief\nuser: hi there\nuser: \nassistant: \n");
        assertThat(SimTokenizer.chatPrompt(Json.mapper().readTree("{\"messages\": []}"))).isNull();
    }

    @Test
    void aPromptArrayIsOneItemPerLine() throws Exception {
        assertThat(SimTokenizer.completionPrompt(Json.mapper().readTree("{\"prompt\": [\"a b\", [1, 2], 3]}")))
                .isEqualTo("a b\n[1,2]\n3\n");
        assertThat(SimTokenizer.completionPrompt(Json.mapper().readTree("{\"prompt\": \"x\"}"))).isEqualTo("x");
        assertThat(SimTokenizer.completionPrompt(Json.mapper().readTree("{\"prompt\": null}"))).isNull();
    }
}
