package io.inferrouter.admin.whatif;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.schemas.tokens.SimTokenizer;
import io.inferrouter.schemas.traces.TraceRequest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SyntheticPromptsTest {

    private final SyntheticPrompts prompts = new SyntheticPrompts(7);

    @Test
    void tokensAreWhatModelSimsTokenizerGivesTheText() {
        SyntheticPrompts.Prompt p = prompts.of(new TraceRequest(0, null, 1000, 1, new long[] {3, 4}, 512), 0);

        assertThat(p.tokens()).hasSize(1000);
        assertThat(p.text()).hasSize(1000 * SyntheticPrompts.CHARS_PER_TOKEN);
        assertThat(p.tokens()).isEqualTo(SimTokenizer.encode(p.text()));
    }

    @Test
    void equalIdsGiveEqualContentAndTheRestIsTheRequestsOwn() {
        SyntheticPrompts.Prompt a = prompts.of(new TraceRequest(0, null, 40, 1, new long[] {9, 1}, 16), 0);
        SyntheticPrompts.Prompt b = prompts.of(new TraceRequest(0, null, 40, 1, new long[] {9, 2}, 16), 1);
        SyntheticPrompts.Prompt c = prompts.of(new TraceRequest(0, null, 40, 1, new long[] {9, 1}, 16), 2);

        assertThat(Arrays.copyOf(a.tokens(), 16)).isEqualTo(Arrays.copyOf(b.tokens(), 16));
        assertThat(Arrays.copyOfRange(a.tokens(), 16, 32)).isNotEqualTo(Arrays.copyOfRange(b.tokens(), 16, 32));
        assertThat(Arrays.copyOf(a.tokens(), 32)).isEqualTo(Arrays.copyOf(c.tokens(), 32));
        // Tokens no id names (32-39) are unique to each request.
        assertThat(Arrays.copyOfRange(a.tokens(), 32, 40)).isNotEqualTo(Arrays.copyOfRange(c.tokens(), 32, 40));
    }

    @Test
    void aShortLastBlockIsTheStartOfThatBlocksContent() {
        SyntheticPrompts.Prompt whole = prompts.of(new TraceRequest(0, null, 32, 1, new long[] {5, 6}, 16), 0);
        SyntheticPrompts.Prompt part = prompts.of(new TraceRequest(0, null, 20, 1, new long[] {5, 6}, 16), 1);

        assertThat(part.tokens()).isEqualTo(Arrays.copyOf(whole.tokens(), 20));
        assertThat(whole.text()).startsWith(part.text());
    }

    @Test
    void theSameSeedGivesTheSamePrompt() {
        TraceRequest r = new TraceRequest(0, null, 100, 1, new long[] {1}, 64);

        assertThat(new SyntheticPrompts(7).of(r, 3).text()).isEqualTo(prompts.of(r, 3).text());
        assertThat(new SyntheticPrompts(8).of(r, 3).text()).isNotEqualTo(prompts.of(r, 3).text());
    }
}
