package io.inferrouter.bench.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.inferrouter.bench.BenchArgs;
import io.inferrouter.bench.pipeline.BenchPipeline;
import io.inferrouter.sim.engine.SimConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./dev bench quality --trace}: the options that pick, cut and scale the trace, without the pipeline. */
class RoutingQualityTraceTest {

    @TempDir
    Path dir;

    private Path smallTrace() throws IOException {
        Path file = dir.resolve("small-mooncake.jsonl");
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream("/traces/small-mooncake.jsonl"))) {
            Files.copy(in, file);
        }
        return file;
    }

    private static RoutingQuality.TraceRun trace(String... args) throws IOException {
        return RoutingQuality.trace(BenchArgs.parse(RoutingQuality.OPTIONS, List.of(args)));
    }

    @Test
    void withoutTraceTheWorkloadRuns() throws IOException {
        assertThat(trace("--workload", "W3", "--rates", "5")).isNull();
    }

    @Test
    void aTraceIsCutAndScaledAsAsked() throws IOException {
        Path file = smallTrace();

        RoutingQuality.TraceRun all = trace("--trace", file.toString());
        RoutingQuality.TraceRun cut = trace("--trace", file.toString(), "--trace-limit", "50", "--trace-speed", "4",
                "--trace-token-scale", "0.5");

        assertThat(all.inFile()).isEqualTo(300);
        assertThat(all.replay().size()).isEqualTo(300);
        assertThat(all.name()).isEqualTo("small-mooncake");
        assertThat(all.tooLong(SimConfig.defaults().withCache(2000))).isZero();
        assertThat(cut.inFile()).isEqualTo(300);
        assertThat(cut.replay().size()).isEqualTo(50);
        assertThat(cut.replay().spanSeconds()).isCloseTo(all.replay().offsetNanos(49) / 4e9, within(1e-6));
        assertThat(cut.replay().inputTokens(0)).isEqualTo((int) Math.round(all.replay().inputTokens(0) * 0.5));
        assertThat(cut.replay().spec(0).model()).isEqualTo(BenchPipeline.MODEL);
        assertThat(cut.summary()).startsWith("trace " + file + " (50 of its 300 requests, speed 4.0");
        assertThat(cut.describe()).containsEntry("requests", 50).containsEntry("speed", 4.0)
                .containsEntry("blockTokens", 512);
        // A small cache cannot hold the trace's longer prompts; the run warns before it starts.
        assertThat(all.tooLong(SimConfig.defaults().withCache(100))).isPositive();
    }

    @Test
    void workloadOptionsDoNotGoWithATraceNorTraceOptionsWithoutOne() throws IOException {
        String file = smallTrace().toString();

        for (String option : Stream.of("--workload W2", "--rates 5", "--seconds 3", "--token-scale 1", "--groups 3")
                .toList()) {
            String[] parts = option.split(" ");
            assertThatThrownBy(() -> trace("--trace", file, parts[0], parts[1])).as(option)
                    .isInstanceOf(BenchArgs.BadArgument.class)
                    .hasMessageStartingWith(parts[0] + " does not apply to --trace");
        }
        assertThatThrownBy(() -> trace("--trace-limit", "5")).isInstanceOf(BenchArgs.BadArgument.class)
                .hasMessage("--trace-limit needs --trace FILE");
        assertThatThrownBy(() -> trace("--trace", file, "--trace-speed", "0")).isInstanceOf(BenchArgs.BadArgument.class)
                .hasMessageContaining("--trace-speed and --trace-token-scale must be > 0");
    }

    @Test
    void aMissingEmptyOrMalformedFileIsABadArgumentNamingIt() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.jsonl"), "\n\n");
        Path bad = Files.writeString(dir.resolve("bad.jsonl"), """
                {"timestamp": 0, "input_length": 10, "output_length": 1, "hash_ids": [1]}
                {"timestamp": 1, "input_length": 10, "output_length": 0, "hash_ids": [1]}
                """);
        Path missing = dir.resolve("nope.jsonl");

        assertThatThrownBy(() -> trace("--trace", missing.toString())).isInstanceOf(BenchArgs.BadArgument.class)
                .hasMessage("--trace: no such file " + missing);
        assertThatThrownBy(() -> trace("--trace", empty.toString())).isInstanceOf(BenchArgs.BadArgument.class)
                .hasMessage("--trace: " + empty + " has no requests");
        assertThatThrownBy(() -> trace("--trace", bad.toString())).isInstanceOf(BenchArgs.BadArgument.class)
                .hasMessage("--trace: " + bad + " line 2: output_length must be >= 1, was 0");
    }

    @Test
    void theTracesBlockSizeCanBeGiven() throws IOException {
        Path file = Files.writeString(dir.resolve("blocks-of-4.jsonl"),
                "{\"timestamp\": 0, \"input_length\": 10, \"output_length\": 1, \"hash_ids\": [1, 2, 3]}\n");

        assertThatThrownBy(() -> trace("--trace", file.toString())).isInstanceOf(BenchArgs.BadArgument.class)
                .hasMessageEndingWith("line 1: hash_ids has 3 blocks but input_length 10 fills at most 1 of 512 "
                        + "tokens");
        assertThat(trace("--trace", file.toString(), "--trace-block-tokens", "4").describe())
                .containsEntry("blockTokens", 4);
    }
}
