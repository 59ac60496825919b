package io.inferrouter.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.inferrouter.schemas.traces.MooncakeTrace;
import io.inferrouter.schemas.traces.TraceRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TraceGeneratorTest {

    private static String file(List<TraceRequest> trace) throws IOException {
        StringWriter out = new StringWriter();
        MooncakeTrace.write(trace, out);
        return out.toString();
    }

    @Test
    void theCommittedSmallTraceIsTheGeneratorsOutputWithItsDefaults() throws IOException {
        String committed;
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream("/traces/small-mooncake.jsonl"))) {
            committed = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        String generated = file(TraceGenerator.generate(TraceGenerator.SMALL_REQUESTS,
                Double.parseDouble(TraceGenerator.SMALL_RATE), TraceGenerator.SMALL_SEED));

        assertThat(generated).as("regenerate with ./dev bench trace-gen --out "
                + "schemas/src/test/resources/traces/small-mooncake.jsonl").isEqualTo(committed);
    }

    @Test
    void sameSeedSameTraceOtherSeedOtherTrace() throws IOException {
        assertThat(file(TraceGenerator.generate(50, 5, 7))).isEqualTo(file(TraceGenerator.generate(50, 5, 7)))
                .isNotEqualTo(file(TraceGenerator.generate(50, 5, 8)));
    }

    @Test
    void whatItWritesReadsBackAsAValidTrace() throws IOException {
        List<TraceRequest> trace = TraceGenerator.generate(500, 20, 3);

        List<TraceRequest> back = MooncakeTrace.read(new StringReader(file(trace)), "generated");

        assertThat(back).hasSize(500);
        assertThat(back.getFirst().timestampMs()).isZero();
        assertThat(back).allSatisfy(r -> {
            assertThat(r.blocks()).isEqualTo((r.inputLength() + 511) / 512);
            assertThat(r.inputLength()).isLessThanOrEqualTo(TraceGenerator.MAX_CONTEXT_TOKENS);
        });
    }

    @Test
    void everySessionStartsFromOneOfTheSharedSystemPrompts() {
        List<TraceRequest> trace = TraceGenerator.generate(400, 5, 11);

        Set<Long> firstIds = new HashSet<>();
        trace.forEach(r -> firstIds.add(r.hashId(0)));

        assertThat(firstIds).hasSize(TraceGenerator.SYSTEM_PROMPTS);
    }

    @Test
    void sessionsGrowTheirPrefixTurnByTurn() {
        List<TraceRequest> trace = TraceGenerator.generate(400, 5, 11);

        // A later turn of a session starts with every full block of an earlier turn, including a block
        // that earlier turn was the first to have (its own question, not a shared system prompt), and is longer.
        Map<Long, Integer> firstIn = new HashMap<>();
        for (int i = 0; i < trace.size(); i++) {
            for (long id : trace.get(i).hashIds()) {
                firstIn.putIfAbsent(id, i);
            }
        }
        int laterTurns = 0;
        for (int j = 0; j < trace.size(); j++) {
            TraceRequest later = trace.get(j);
            for (int i = 0; i < j; i++) {
                TraceRequest earlier = trace.get(i);
                long[] full = Arrays.copyOf(earlier.hashIds(), earlier.inputLength() / 512);
                int self = i;
                boolean ownBlock = Arrays.stream(full).anyMatch(id -> firstIn.get(id) == self);
                if (ownBlock && later.inputLength() > earlier.inputLength() && later.blocks() > full.length
                        && Arrays.equals(full, Arrays.copyOf(later.hashIds(), full.length))) {
                    laterTurns++;
                    break;
                }
            }
        }
        assertThat(laterTurns).isGreaterThan(trace.size() / 2);
    }

    @Test
    void arrivalsArePoissonAtTheRate() {
        List<TraceRequest> trace = TraceGenerator.generate(20_000, 50, 5);

        double[] gaps = new double[trace.size() - 1];
        for (int i = 1; i < trace.size(); i++) {
            gaps[i - 1] = (trace.get(i).timestampMs() - trace.get(i - 1).timestampMs()) / 1e3;
        }
        double mean = Arrays.stream(gaps).average().orElseThrow();
        double sd = Math.sqrt(Arrays.stream(gaps).map(g -> (g - mean) * (g - mean)).average().orElseThrow());

        assertThat(1 / mean).isCloseTo(50, within(2.0));
        assertThat(sd / mean).as("coefficient of variation, 1 for exponential gaps").isCloseTo(1, within(0.05));
    }

    @Test
    void refusesNoRequestsOrNoRate() {
        assertThatThrownBy(() -> TraceGenerator.generate(0, 5, 1)).hasMessageContaining(">= 1 request");
        assertThatThrownBy(() -> TraceGenerator.generate(5, 0, 1)).hasMessageContaining("positive rate");
    }
}
