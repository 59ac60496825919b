package io.inferrouter.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferrouter.schemas.kv.KvEventEncoding;
import io.inferrouter.sim.engine.SimConfig;
import io.inferrouter.sim.events.KvEventsConfig;
import io.inferrouter.sim.fleet.FleetConfig;
import io.inferrouter.support.ReadmeSection;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void defaultsAreTheDocumentedFleet() {
        FleetConfig c = Main.parse(List.of());
        assertThat(c.pods()).isEqualTo(8);
        assertThat(c.baseAddress()).isEqualTo("127.0.1.1");
        assertThat(c.port()).isEqualTo(8000);
        assertThat(c.defaults().numGpuBlocks()).isEqualTo(SimConfig.defaults().numGpuBlocks());
    }

    @Test
    void flagsWinOverTheEnvironmentAndPerPodOptionsRepeat() {
        FleetConfig c = Main.parse(List.of("--pods", "2", "--slow-pod", "0:3", "--small-cache", "1:100",
                "--old-kv-metric", "--adapters", "a,b"), Map.of("SIM_PODS", "5", "SIM_TIME_SCALE", "0.1"));
        assertThat(c.pods()).isEqualTo(2);
        assertThat(c.defaults().timeScale()).isEqualTo(0.1);
        assertThat(c.defaults().oldKvMetricName()).isTrue();
        assertThat(c.defaults().adapters()).containsExactly("a", "b");
        assertThat(c.configOf(1).numGpuBlocks()).isEqualTo(100);
        assertThat(c.configOf(0).numGpuBlocks()).isEqualTo(c.defaults().numGpuBlocks());
    }

    @Test
    void kvEventsDefaultToVllmsPortsAndFormatAndCanBeChangedOrTurnedOff() {
        FleetConfig c = Main.parse(List.of());
        assertThat(c.kvEvents()).isEqualTo(KvEventsConfig.defaults());
        assertThat(c.kvEvents().port()).isEqualTo(5557);
        assertThat(c.kvEvents().replayPort()).isEqualTo(5558);
        assertThat(c.defaults().hashSeed()).isEqualTo("0");

        FleetConfig changed = Main.parse(List.of("--kv-events-encoding", "array", "--kv-events-int-hashes=false",
                "--kv-events-topic", "kv@pod", "--kv-hash-seed", "random", "--kv-events-buffer-steps", "50"),
                Map.of("SIM_KV_EVENTS_PORT", "6557", "SIM_KV_EVENTS_REPLAY_PORT", "6558"));
        assertThat(changed.kvEvents().encoding()).isEqualTo(KvEventEncoding.ARRAY);
        assertThat(changed.kvEvents().intHashes()).isFalse();
        assertThat(changed.kvEvents().topic()).isEqualTo("kv@pod");
        assertThat(changed.kvEvents().bufferSteps()).isEqualTo(50);
        assertThat(changed.kvEvents().port()).isEqualTo(6557);
        assertThat(changed.defaults().hashSeed()).as("random: no seed").isNull();

        assertThat(Main.parse(List.of("--kv-events=false")).kvEvents().enabled()).isFalse();
        assertThatThrownBy(() -> Main.parse(List.of("--kv-events-encoding", "json")))
                .hasMessageContaining("kv-events-encoding (SIM_KV_EVENTS_ENCODING) must be map or array");
        assertThatThrownBy(() -> Main.parse(List.of("--kv-events-port", "5558")))
                .hasMessageContaining("must differ");
    }

    @Test
    void badFlagsAreClearErrors() {
        assertThatThrownBy(() -> Main.parse(List.of("--pods", "many"))).hasMessageContaining("pods (SIM_PODS)");
        assertThatThrownBy(() -> Main.parse(List.of("--slow-pod", "fast"))).hasMessageContaining("INDEX:VALUE");
        assertThatThrownBy(() -> Main.parse(List.of("--nope"))).hasMessageContaining("unknown option '--nope'");
    }

    @Test
    void readmeFlagsTableIsGeneratedFromTheSettings() throws Exception {
        assertThat(ReadmeSection.read(Path.of("..", "README.md"), Main.SETTINGS.marker()))
                .as("README model-sim flags; paste Main.SETTINGS.markdownFlags()")
                .isEqualTo(Main.SETTINGS.markdownFlags());
    }
}
