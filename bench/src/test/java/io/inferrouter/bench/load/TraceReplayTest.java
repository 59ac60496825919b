package io.inferrouter.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferrouter.schemas.serde.Json;
import io.inferrouter.schemas.tokens.SimTokenizer;
import io.inferrouter.schemas.traces.MooncakeTrace;
import io.inferrouter.schemas.traces.TraceRequest;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class TraceReplayTest {

    static List<TraceRequest> smallTrace() throws IOException {
        try (Reader in = new InputStreamReader(Objects.requireNonNull(
                TraceReplayTest.class.getResourceAsStream("/traces/small-mooncake.jsonl")), StandardCharsets.UTF_8)) {
            return MooncakeTrace.read(in, "small-mooncake.jsonl");
        }
    }

    private static TraceRequest request(long ts, int input, int output, long... ids) {
        return new TraceRequest(ts, null, input, output, ids, 512);
    }

    /** The token ids a simulated pod computes for the request's chat body, as it caches them. */
    private static int[] podTokens(RequestSpec spec) throws IOException {
        return SimTokenizer.encode(SimTokenizer.chatPrompt(Json.mapper().readTree(LoadGenerator.body(spec))));
    }

    @Test
    void thePodCountsExactlyTheTracesInputLength() throws IOException {
        List<TraceRequest> trace = smallTrace();
        TraceReplay replay = new TraceReplay(trace, 1, 1, "m");

        for (int i = 0; i < replay.size(); i++) {
            RequestSpec spec = replay.spec(i);
            assertThat(podTokens(spec)).as("request %d", i).hasSize(trace.get(i).inputLength());
            assertThat(spec.maxTokens()).isEqualTo(trace.get(i).outputLength());
            assertThat(spec.model()).isEqualTo("m");
            assertThat(spec.group()).isEqualTo("h" + trace.get(i).hashId(0));
        }
        assertThat(TraceReplay.CHAT_TEMPLATE_TOKENS).isEqualTo(SimTokenizer.encode("user: ").length);
    }

    @Test
    void equalIdsMakeEqualTokensInTheSamePlacesAndDifferentIdsDifferentOnes() throws IOException {
        // Blocks 0 and 1 shared, block 2 differs; the second prompt also runs past its ids.
        TraceReplay replay = new TraceReplay(List.of(request(0, 1400, 4, 7, 8, 9), request(5, 1800, 4, 7, 8, 10)),
                1, 1, "m");

        int[] a = podTokens(replay.spec(0));
        int[] b = podTokens(replay.spec(1));

        assertThat(a).hasSize(1400);
        assertThat(b).hasSize(1800);
        assertThat(Arrays.copyOf(a, 1024)).isEqualTo(Arrays.copyOf(b, 1024));
        assertThat(Arrays.copyOfRange(a, 1024, 1040)).isNotEqualTo(Arrays.copyOfRange(b, 1024, 1040));
        assertThat(replay.prompt(0)).isNotEqualTo(replay.prompt(1));
    }

    @Test
    void aShortLastBlockIsAPrefixOfTheIdsFullBlock() {
        TraceReplay replay = new TraceReplay(List.of(request(0, 700, 1, 3, 4), request(1, 1024, 1, 3, 4)), 1, 1, "m");

        String shorter = replay.prompt(0);
        String longer = replay.prompt(1);

        assertThat(longer).startsWith(shorter);
        assertThat(TraceReplay.blockWords(4, 512)).startsWith(TraceReplay.blockWords(4, 188));
        assertThat(TraceReplay.blockWords(4, 512)).isEqualTo(TraceReplay.blockWords(4, 512))
                .isNotEqualTo(TraceReplay.blockWords(5, 512));
    }

    @Test
    void tokensPastTheIdsAreTheRequestsOwn() {
        TraceReplay replay = new TraceReplay(List.of(request(0, 600, 1, 3), request(1, 600, 1, 3)), 1, 1, "m");

        String a = replay.prompt(0);
        String b = replay.prompt(1);

        int blockChars = (512 - TraceReplay.CHAT_TEMPLATE_TOKENS) * 4;
        assertThat(a.substring(0, blockChars)).isEqualTo(b.substring(0, blockChars));
        assertThat(a.substring(blockChars)).hasSize(88 * 4).isNotEqualTo(b.substring(blockChars));
    }

    @Test
    void aPromptShorterThanTheChatTemplateSendsNoText() throws IOException {
        TraceReplay replay = new TraceReplay(List.of(request(0, 1, 3, 5), request(1, 0, 3)), 1, 1, "m");

        assertThat(replay.prompt(0)).isEmpty();
        assertThat(replay.prompt(1)).isEmpty();
        assertThat(replay.spec(1).group()).isEqualTo("none");
        assertThat(podTokens(replay.spec(0))).hasSize(TraceReplay.CHAT_TEMPLATE_TOKENS);
    }

    @Test
    void tokenScaleShrinksBlocksPromptsAndAnswersAlike() throws IOException {
        TraceReplay replay = new TraceReplay(List.of(request(0, 1400, 100, 7, 8, 9), request(5, 1800, 1, 7, 8, 10)),
                1, 0.25, "m");

        int[] a = podTokens(replay.spec(0));
        int[] b = podTokens(replay.spec(1));

        assertThat(a).hasSize(350);
        assertThat(b).hasSize(450);
        assertThat(replay.spec(0).maxTokens()).isEqualTo(25);
        assertThat(replay.spec(1).maxTokens()).as("at least one token").isEqualTo(1);
        assertThat(Arrays.copyOf(a, 256)).isEqualTo(Arrays.copyOf(b, 256));
        assertThat(Arrays.copyOfRange(a, 256, 272)).isNotEqualTo(Arrays.copyOfRange(b, 256, 272));
    }

    @Test
    void requestsLeaveAtTheirTimestampsDividedBySpeed() {
        List<TraceRequest> trace = List.of(request(1000, 1, 1), request(1000, 1, 1), request(1500, 1, 1),
                request(5000, 1, 1));

        TraceReplay asRecorded = new TraceReplay(trace, 1, 1, "m");
        TraceReplay faster = new TraceReplay(trace, 4, 1, "m");

        assertThat(List.of(asRecorded.offsetNanos(0), asRecorded.offsetNanos(1), asRecorded.offsetNanos(2),
                asRecorded.offsetNanos(3))).containsExactly(0L, 0L, 500_000_000L, 4_000_000_000L);
        assertThat(faster.offsetNanos(3)).isEqualTo(1_000_000_000L);
        assertThat(faster.spanSeconds()).isEqualTo(1.0);
        assertThat(faster.meanRate()).isEqualTo(4.0);
    }

    @Test
    void anEmptyOrUnorderedTraceOrABadScaleIsRefused() {
        assertThatThrownBy(() -> new TraceReplay(List.of(), 1, 1, "m")).hasMessage("the trace has no requests");
        assertThatThrownBy(() -> new TraceReplay(List.of(request(5, 1, 1), request(4, 1, 1)), 1, 1, "m"))
                .hasMessage("the trace is not ordered by timestamp at request 1");
        assertThatThrownBy(() -> new TraceReplay(List.of(request(5, 1, 1)), 0, 1, "m"))
                .hasMessageContaining("must be positive");
        assertThatThrownBy(() -> new TraceReplay(List.of(request(5, 1, 1)), 1, -1, "m"))
                .hasMessageContaining("must be positive");
    }
}
