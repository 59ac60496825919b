package io.inferrouter.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferrouter.bench.BenchArgs.Option;
import io.inferrouter.bench.load.Workload;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchArgsTest {

    private static final List<Option> OPTIONS = List.of(
            Option.flag(BenchArgs.QUICK, "shorter"),
            Option.value("--seconds", "N", "20", "seconds per stage").quick("10"),
            Option.value("--rates", "LIST", "10,25,40", "rates"),
            Option.value("--workload", "W", "W2", "workload"),
            Option.value("--groups", "N", null, "groups, per workload when absent"),
            Option.value("--jvm", "OPTS", "", "extra JVM options"),
            Option.flag("--no-sharing", "no sharing"));

    @Test
    void absentOptionsTakeTheirDefaultsAndQuickOnesUnderQuick() {
        BenchArgs plain = BenchArgs.parse(OPTIONS, List.of());
        assertThat(plain.integer("--seconds")).isEqualTo(20);
        assertThat(plain.decimals("--rates")).containsExactly(10.0, 25.0, 40.0);
        assertThat(plain.flag("--no-sharing")).isFalse();
        assertThat(plain.given("--groups")).isFalse();
        assertThat(plain.string("--groups")).isNull();
        assertThat(BenchArgs.parse(OPTIONS, List.of("--quick")).integer("--seconds")).isEqualTo(10);
        assertThat(BenchArgs.parse(OPTIONS, List.of("--quick", "--seconds", "3")).integer("--seconds")).isEqualTo(3);
    }

    @Test
    void valuesAreReadInOrderEvenWhenTheyLookLikeOptions() {
        BenchArgs args = BenchArgs.parse(OPTIONS, List.of("--jvm", "-XX:+UseZGC", "--no-sharing", "--workload", "W4",
                "--groups", "120"));
        assertThat(args.string("--jvm")).isEqualTo("-XX:+UseZGC");
        assertThat(args.flag("--no-sharing")).isTrue();
        assertThat(args.choice("--workload", Workload.Kind.class)).isEqualTo(Workload.Kind.W4);
        assertThat(args.integer("--groups")).isEqualTo(120);
    }

    @Test
    void unknownOptionIsAnErrorNamingIt() {
        assertThatThrownBy(() -> BenchArgs.parse(OPTIONS, List.of("--seconds", "5", "--rate", "10")))
                .isInstanceOf(BenchArgs.BadArgument.class).hasMessage("unknown option '--rate'");
        assertThatThrownBy(() -> BenchArgs.parse(OPTIONS, List.of("W2")))
                .isInstanceOf(BenchArgs.BadArgument.class).hasMessageContaining("unexpected argument 'W2'");
    }

    @Test
    void optionWithoutItsValueOrGivenTwiceIsAnError() {
        assertThatThrownBy(() -> BenchArgs.parse(OPTIONS, List.of("--seconds")))
                .isInstanceOf(BenchArgs.BadArgument.class).hasMessage("--seconds needs a value (N)");
        assertThatThrownBy(() -> BenchArgs.parse(OPTIONS, List.of("--seconds", "1", "--seconds", "2")))
                .isInstanceOf(BenchArgs.BadArgument.class).hasMessage("--seconds is given twice");
    }

    @Test
    void badValuesAreErrorsNamingTheOption() {
        BenchArgs args = BenchArgs.parse(OPTIONS, List.of("--seconds", "ten", "--rates", "10,x", "--workload", "W9"));
        assertThatThrownBy(() -> args.integer("--seconds")).isInstanceOf(BenchArgs.BadArgument.class)
                .hasMessage("--seconds must be a whole number, was 'ten'");
        assertThatThrownBy(() -> args.decimals("--rates")).isInstanceOf(BenchArgs.BadArgument.class)
                .hasMessageContaining("--rates");
        assertThatThrownBy(() -> args.choice("--workload", Workload.Kind.class))
                .isInstanceOf(BenchArgs.BadArgument.class).hasMessageContaining("--workload must be one of [W1, W2");
    }

    @Test
    void usageListsEveryOptionWithItsDefault() {
        String usage = BenchArgs.usage("quality", "what it measures", OPTIONS);
        assertThat(usage).startsWith("usage: ./dev bench quality [options]\n  what it measures\n")
                .contains("--seconds N").contains("(default 20, 10 with --quick)")
                .contains("--rates LIST").contains("(default 10,25,40)")
                .contains("--no-sharing").contains("--help, -h");
        assertThat(usage.lines().filter(l -> l.contains("--groups N")).findFirst().orElseThrow())
                .doesNotContain("(default");
    }
}
