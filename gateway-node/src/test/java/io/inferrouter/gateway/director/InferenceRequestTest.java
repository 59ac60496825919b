package io.inferrouter.gateway.director;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferrouter.gateway.tokens.PromptForm;
import io.inferrouter.schemas.tokens.SimTokenizer;
import io.inferrouter.gateway.errors.GatewayException;
import io.inferrouter.schemas.serde.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class InferenceRequestTest {

    private static InferenceRequest chat(String json) {
        return InferenceRequest.parse(InferenceRequest.Kind.CHAT, json.getBytes(StandardCharsets.UTF_8));
    }

    private static InferenceRequest completion(String json) {
        return InferenceRequest.parse(InferenceRequest.Kind.COMPLETIONS, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void chatMessagesBecomeThePromptText() {
        InferenceRequest r = chat("{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"system\",\"content\":\"S\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}");
        assertThat(r.model()).isEqualTo("m");
        assertThat(r.stream()).isTrue();
        assertThat(r.prompt()).isEqualTo("system: S\nuser: hi\n");
    }

    @Test
    void completionPromptsMayBeStringsOrArrays() {
        assertThat(completion("{\"model\":\"m\",\"prompt\":\"abc\"}").prompt()).isEqualTo("abc");
        assertThat(completion("{\"model\":\"m\",\"prompt\":[\"a\",\"b\"]}").prompt()).isEqualTo("a\nb\n");
        assertThat(completion("{\"model\":\"m\",\"prompt\":\"abc\"}").stream()).isFalse();
    }

    @Test
    void badBodiesAre400WithTheReason() {
        assertThatThrownBy(() -> chat("not json")).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.status()).isEqualTo(400)).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> chat("[1]")).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> chat("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"))
                .hasMessageContaining("'model' is required");
        assertThatThrownBy(() -> chat("{\"model\":\"m\"}")).hasMessageContaining("'messages' is required");
        assertThatThrownBy(() -> chat("{\"model\":\"m\",\"stream\":\"yes\",\"messages\":[{\"content\":\"x\"}]}"))
                .hasMessageContaining("'stream' must be a boolean");
        assertThatThrownBy(() -> completion("{\"model\":\"m\"}")).hasMessageContaining("'prompt' is required");
        assertThatThrownBy(() -> completion("{\"model\":\"m\",\"prompt\":{}}")).hasMessageContaining("'prompt' must be");
    }

    @Test
    void theBodyIsForwardedAsItIsUnlessTheModelChanges() throws Exception {
        String json = "{\"model\":\"m\",  \"prompt\":\"abc\"}";
        InferenceRequest r = completion(json);
        assertThat(new String(r.bodyFor("m"), StandardCharsets.UTF_8)).isEqualTo(json);
        assertThat(Json.mapper().readTree(r.bodyFor("v2")).get("model").asText()).isEqualTo("v2");
        assertThat(Json.mapper().readTree(r.bodyFor("v2")).get("prompt").asText()).isEqualTo("abc");
    }

    @Test
    void aRewrittenModelIsSplicedIntoTheOriginalBytes() {
        String json = "{ \"prompt\" :\t\"a\\u00e9\\n\u00fc\u20ac\", \"n\":[1 , 2.50],\r\n  \"model\"  :  \"m\\u0031\\\"x\"\n"
                + " , \"meta\":{\"model\":\"inner\"}, \"stream\" : false }  ";
        InferenceRequest r = completion(json);
        assertThat(r.model()).isEqualTo("m1\"x");
        String rewritten = new String(r.bodyFor("v2/\u00e9\"q"), StandardCharsets.UTF_8);
        assertThat(rewritten).isEqualTo(json.replace("\"m\\u0031\\\"x\"", "\"v2/\u00e9\\\"q\""));
        assertThat(completion(rewritten).model()).isEqualTo("v2/\u00e9\"q");
        assertThat(r.bodyFor("m1\"x")).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void thePromptIsTheSameTextATreeReadGives() throws Exception {
        List<String> chats = List.of(
                "{\"model\":\"m\",\"messages\":[{\"content\":\"late role\",\"role\":\"user\"},{\"role\":\"a\"}]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":7,\"content\":null},{\"role\":null,\"content\":\"x\\ty\"}]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"u\",\"content\":[{\"text\":1.5},{\"text\":null},"
                        + "{\"type\":\"image\"},\"s\",{\"text\":{\"a\":1}},{\"text\":true},{\"text\":\"\u00e9\"}]}]}",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"a\",\"role\":\"bb\",\"content\":\"c\",\"content\":\"d\"}]}",
                "{\"messages\":5,\"model\":\"m\",\"messages\":[{\"role\":\"r\",\"content\":\"ok\",\"x\":[{}]}]}",
                "{\"model\":\"m\",\"messages\":[{\"content\":\"no role\"},{\"content\":[{\"text\":\"a\"}],\"role\":null},"
                        + "{\"role\":[1],\"content\":\"c\"},{\"role\":{},\"content\":[]}]}");
        for (String c : chats) {
            assertThat(chat(c).prompt()).as(c).isEqualTo(treePrompt(c, true));
        }
        List<String> completions = List.of(
                "{\"model\":\"m\",\"prompt\":[[1,2,3],[4, 5],7,\"t\",-0,1e2,[\"q\\\"\",{\"a\":[true,null]}],12345678901234567890]}",
                "{\"prompt\":\"abc\\u0000\",\"model\":\"m\"}");
        for (String c : completions) {
            assertThat(completion(c).prompt()).as(c).isEqualTo(treePrompt(c, false));
        }
    }

    @Test
    void onlyTheHashedPrefixOfThePromptIsKept() throws Exception {
        String big = "x".repeat(100) + "\u00e9".repeat(100);
        String json = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + big + "\"},"
                + "{\"content\":\"" + big + "\",\"role\":\"assistant\"},{\"role\":\"user\",\"content\":[1]}]}";
        String full = treePrompt(json, true);
        for (int cap : new int[] {0, 1, 50, 150, 206, 207, 260, 420, full.length(), full.length() + 10}) {
            InferenceRequest r = InferenceRequest.parse(InferenceRequest.Kind.CHAT,
                    json.getBytes(StandardCharsets.UTF_8), cap);
            assertThat(r.prompt()).as("cap " + cap).isEqualTo(full.substring(0, Math.min(cap, full.length())));
        }
        // Validation still covers the whole body, beyond the kept prefix.
        assertThatThrownBy(() -> InferenceRequest.parse(InferenceRequest.Kind.CHAT,
                json.replace("[1]", "5").getBytes(StandardCharsets.UTF_8), 10)).hasMessageContaining("must be a string or an array");
        assertThat(InferenceRequest.promptCharsFor(256)).isEqualTo(256 * 64 * 4);
    }

    @Test
    void trailingTokensAndBadJsonBeyondThePrefixAre400() {
        assertThatThrownBy(() -> completion("{\"model\":\"m\",\"prompt\":\"a\"} {}")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> completion("{\"model\":\"m\",\"prompt\":\"a\",\"x\":[1,}")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> completion("")).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> chat("{\"model\":\"m\",\"messages\":[]}")).hasMessageContaining("'messages' is required");
        assertThatThrownBy(() -> chat("{\"model\":\"m\",\"messages\":[1,{\"content\":5}]}"))
                .hasMessageContaining("each item of 'messages' must be an object");
        assertThatThrownBy(() -> chat("{\"model\":\" \",\"messages\":[1]}")).hasMessageContaining("'model' is required");
    }

    /**
     * The prompt as the simulated fleet builds it from the body's tree (schemas' {@link SimTokenizer}, which
     * model-sim tokenizes): the reference the streaming read must match, so that the gateway's tokens are
     * the simulator's.
     */
    private static String treePrompt(String json, boolean chat) throws Exception {
        JsonNode root = Json.mapper().readTree(json);
        return chat ? SimTokenizer.chatPrompt(root) : SimTokenizer.completionPrompt(root);
    }

    @Test
    void theFormAndWhetherThePromptWasCutAreKept() {
        assertThat(completion("{\"model\":\"m\",\"prompt\":\"abc\"}").promptForm()).isEqualTo(PromptForm.TEXT);
        assertThat(completion("{\"model\":\"m\",\"prompt\":[\"a\"]}").promptForm()).isEqualTo(PromptForm.LIST);
        assertThat(chat("{\"model\":\"m\",\"messages\":[{\"content\":\"x\"}]}").promptForm())
                .isEqualTo(PromptForm.CHAT);
        String json = "{\"model\":\"m\",\"prompt\":\"" + "w ".repeat(50) + "\"}";
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        assertThat(InferenceRequest.parse(InferenceRequest.Kind.COMPLETIONS, bytes, 100).promptCut()).isFalse();
        assertThat(InferenceRequest.parse(InferenceRequest.Kind.COMPLETIONS, bytes, 99).promptCut()).isTrue();
        String chat = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"user\",\"content\":\"there\"}]}";
        byte[] chatBytes = chat.getBytes(StandardCharsets.UTF_8);
        // "user: hi\n" is 9 characters: the second message is beyond a cap of 9, and cut by one of 10.
        assertThat(InferenceRequest.parse(InferenceRequest.Kind.CHAT, chatBytes, 9).promptCut()).isTrue();
        assertThat(InferenceRequest.parse(InferenceRequest.Kind.CHAT, chatBytes, 10).promptCut()).isTrue();
        assertThat(InferenceRequest.parse(InferenceRequest.Kind.CHAT, chatBytes, 21).promptCut()).isFalse();
        assertThat(InferenceRequest.promptCharsFor(256, 16_384)).isEqualTo(16_384 * 8);
        assertThat(InferenceRequest.promptCharsFor(256, 16)).isEqualTo(256 * 64 * 4);
    }

    @Test
    void aBodyThatIsNotUtf8IsA400NotAFault() {
        byte[] utf16 = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
                .getBytes(StandardCharsets.UTF_16);
        assertThatThrownBy(() -> InferenceRequest.parse(InferenceRequest.Kind.CHAT, utf16))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("UTF-8");
    }
}
