package io.inferrouter.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line's help and errors; none of these may start a benchmark (they would take minutes). */
class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        return Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryBenchmarkOnOneLine() throws Exception {
        for (String help : List.of("--help", "-h", "help")) {
            out.reset();
            assertThat(run(help)).isZero();
            String text = out.toString(StandardCharsets.UTF_8);
            for (Main.Benchmark b : Main.BENCHMARKS) {
                assertThat(text.lines().filter(l -> l.startsWith("  " + b.name() + " ")).count())
                        .as(b.name()).isEqualTo(1);
            }
        }
        assertThat(run()).isZero();
    }

    @Test
    void everyBenchmarkAnswersHelpWithItsOptionsAndStartsNothing() throws Exception {
        for (Main.Benchmark b : Main.BENCHMARKS) {
            for (String help : List.of("--help", "-h")) {
                out.reset();
                // An option that does not exist beside --help: help wins, nothing is parsed or run.
                assertThat(run(b.name(), "--no-such-option", help)).as(b.name()).isZero();
                String text = out.toString(StandardCharsets.UTF_8);
                assertThat(text).startsWith("usage: ./dev bench " + b.name());
                for (BenchArgs.Option o : b.options()) {
                    assertThat(text).as(b.name()).contains(o.name());
                }
            }
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void qualityHelpShowsTheDefaults() throws Exception {
        assertThat(run("quality", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--rates LIST").contains("(default 10,25,40, 10,30 "
                + "with --quick)").contains("--workload W").contains("(default W2)");
    }

    @Test
    void unknownOptionIsAnErrorNamingItBeforeAnythingStarts() throws Exception {
        assertThat(run("quality", "--rate", "10")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option '--rate'")
                .contains("./dev bench quality --help");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void badValueIsAnErrorNamingTheOption() throws Exception {
        assertThat(run("failover", "--workload", "W9")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--workload must be one of");
        err.reset();
        assertThat(run("sharing", "--workloads", "W2-40")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--workloads takes workload:rate pairs");
    }

    @Test
    void unknownBenchmarkIsAnError() throws Exception {
        assertThat(run("qualty")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("bench: unknown benchmark 'qualty'");
    }
}
