package io.inferrouter.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class InstanceNamesTest {

    @Test
    void thePodsNameWhereThereIsOneElseTheServiceHostAndProcess() {
        assertThat(InstanceNames.podOr("gateway", Map.of("HOSTNAME", "gateway-node-7c9f-x2"))).isEqualTo("gateway-node-7c9f-x2");
        String fallback = InstanceNames.podOr("gateway", Map.of("HOSTNAME", " "));
        assertThat(fallback).startsWith("gateway-").endsWith("-" + ProcessHandle.current().pid());
        assertThat(InstanceNames.podOr("routing-stream", Map.of())).startsWith("routing-stream-")
                .isNotEqualTo(fallback);
    }
}
