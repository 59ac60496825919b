package io.inferrouter.gateway.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.gateway.director.InferenceRequest;
import io.inferrouter.sim.engine.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SimPromptTokenizerTest {

    private final SimPromptTokenizer sim = new SimPromptTokenizer();

    @Test
    void aChatRequestGetsTheIdsASimulatedPodComputesForIt() {
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},"
                + "{\"content\":[{\"type\":\"text\",\"text\":\"What is   KV caching?\"}]}]}";
        InferenceRequest r = InferenceRequest.parse(InferenceRequest.Kind.CHAT, body.getBytes(StandardCharsets.UTF_8));
        int[] ids = sim.tokenize(r.prompt(), r.promptForm(), r.promptCut(), Integer.MAX_VALUE);
        // model-sim's own tokenizer over the text its CompletionService builds for these messages.
        assertThat(ids).containsExactly(Tokenizer.encode("system: You are terse.\nuser: What is   KV caching?\n"));
        assertThat(sim.tokenize(r.prompt(), r.promptForm(), false, 3)).containsExactly(Arrays.copyOf(ids, 3));
    }

    @Test
    void aCutTextLosesTheLastPieceOnlyWhenTheCutMayBeInsideAWord() {
        String text = "alpha beta gamma delta";
        int[] whole = Tokenizer.encode(text);
        for (int cut = 0; cut <= text.length(); cut++) {
            int[] ids = sim.tokenize(text.substring(0, cut), PromptForm.TEXT, true, Integer.MAX_VALUE);
            assertThat(ids).as("cut at %d", cut).containsExactly(Arrays.copyOf(whole, ids.length));
        }
        assertThat(sim.tokenize("alpha beta ", PromptForm.TEXT, true, 100)).hasSize(Tokenizer.encode("alpha beta").length);
        assertThat(sim.tokenize("alpha beta", PromptForm.TEXT, true, 100)).hasSize(Tokenizer.encode("alpha beta").length - 1);
        assertThat(sim.tokenize("alpha beta", PromptForm.TEXT, true, 1)).hasSize(1);
    }
}
