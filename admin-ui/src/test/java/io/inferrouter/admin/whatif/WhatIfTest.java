package io.inferrouter.admin.whatif;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferrouter.gateway.config.GatewayConfig;
import io.inferrouter.schemas.Samples;
import io.inferrouter.schemas.decisions.RoutingDecision;
import io.inferrouter.schemas.traces.TraceRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WhatIfTest {

    private static final long T = 1_790_000_000_000L;

    @Test
    void answeredRequestsBecomeArrivalsInArrivalOrderWithTheirRecordedBlocks() {
        RoutingDecision late = decision("b", T + 500, 200, 40, 7, new long[] {11, 12, 13, 14});
        RoutingDecision early = decision("a", T, 200, 20, 3, new long[] {11, 12});
        RoutingDecision shed = decision("c", T + 100, 429, null, null, new long[0]);
        WhatIf.Arrivals a = WhatIf.arrivals(List.of(late, early, shed));
        assertThat(a.requests()).extracting(TraceRequest::timestampMs).containsExactly(T, T + 500);
        TraceRequest first = a.requests().get(0);
        assertThat(first.inputLength()).isEqualTo(20);
        assertThat(first.outputLength()).isEqualTo(3);
        assertThat(first.hashIds()).containsExactly(11, 12);
        assertThat(first.blockTokens()).isEqualTo(16);
        // 40 prompt tokens hold 3 blocks of 16: the 4th recorded hash is dropped.
        assertThat(a.requests().get(1).hashIds()).containsExactly(11, 12, 13);
        assertThat(a.recordedTtftMs()).containsExactly(95.0, 95.0);
        assertThat(a.left()).containsEntry("status 429", 1);
        assertThat(a.profile()).isEqualTo("default");
        assertThat(a.pods()).isEqualTo(2);
    }

    @Test
    void theRecordedProfileReDecidesTheSampleAndOthersAreCounted() {
        GatewayConfig gateway = GatewayConfig.from(GatewayConfig.SETTINGS.load(List.of(), Map.of()));
        WhatIf.Redecision r = WhatIf.redecide(List.of(decision("a", T, 200, 20, 3, new long[] {1})), gateway,
                List.of("queue-kv"));
        assertThat(r.same()).isEqualTo(1);
        assertThat(r.reproduced()).isEqualTo(1.0);
        assertThat(r.otherProfiles()).containsKey("queue-kv");
        assertThatThrownBy(() -> WhatIf.redecide(List.of(), gateway, List.of("nope")))
                .hasMessageContaining("unknown profile 'nope'");
    }

    @Test
    void theCommandAnswersHelpAndRefusesWhatItDoesNotKnow() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(WhatIfCommand.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8)))
                .isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("usage: ./dev whatif").contains("--profiles LIST");
        assertThatThrownBy(() -> WhatIfCommand.options(new String[] {"--rate", "3"}))
                .hasMessageContaining("unknown option '--rate'");
        assertThatThrownBy(() -> WhatIfCommand.options(new String[] {"--pods"})).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> WhatIfCommand.run(new String[] {"--trace", "x.jsonl", "--pool", "llm/a"},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
                .hasMessageContaining("with --trace there is none");
    }

    private static RoutingDecision decision(String id, long at, int status, Integer prompt, Integer output,
                                            long[] hashes) {
        RoutingDecision s = Samples.decision();
        ByteBuffer b = ByteBuffer.allocate(hashes.length * 8);
        for (long h : hashes) {
            b.putLong(h);
        }
        RoutingDecision.Scheduling x = s.scheduling();
        return new RoutingDecision(id, at, s.requestedModel(), s.targetModel(), s.pool(), s.objective(),
                s.criticality(), s.priority(), s.fairnessId(), s.profile(), s.stream(), s.candidates(),
                s.chosenEndpoint(), s.decisionNanos(), new RoutingDecision.Outcome(status, null,
                status == 200 ? 95_000L : null, prompt, output, 1_000_000, 1), at, s.source(),
                new RoutingDecision.Scheduling(x.configHash(), x.profileConfig(), x.seed(), at, x.saturation(),
                        x.prefix(), x.poolRowOffset(), Base64.getEncoder().encodeToString(b.array()), 16, 2),
                s.attempts());
    }
}
