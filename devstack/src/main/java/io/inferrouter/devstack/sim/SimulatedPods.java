package io.inferrouter.devstack.sim;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.inferrouter.sim.engine.SimConfig;
import io.inferrouter.sim.fleet.FleetConfig;
import io.inferrouter.sim.fleet.SimFleet;
import io.inferrouter.sim.fleet.SimPod;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The devstack's model servers: a fleet of simulated vLLM pods, three quarters serving the example
 * llama pool's model and adapters, the rest the qwen pool's model, each registered in the Kubernetes
 * API as a Ready Pod whose IP is its loopback address, labelled for its pool.
 */
public final class SimulatedPods implements AutoCloseable {

    public static final String LLAMA = "meta-llama/Llama-3.1-8B-Instruct";
    public static final String QWEN = "Qwen/Qwen2.5-7B-Instruct";
    public static final List<String> LLAMA_ADAPTERS = List.of("chat-v1", "chat-v2", "sql-lora", "tweet-summary-lora");
    private static final String NAMESPACE = "llm";

    private final SimFleet fleet;
    private final int llamaPods;

    private SimulatedPods(SimFleet fleet, int llamaPods) {
        this.fleet = fleet;
        this.llamaPods = llamaPods;
    }

    public static SimulatedPods start(int pods, String baseAddress, int port, double timeScale) {
        int llama = pods == 1 ? 1 : Math.max(1, pods * 3 / 4);
        Map<Integer, UnaryOperator<SimConfig>> overrides = new HashMap<>();
        for (int i = llama; i < pods; i++) {
            overrides.put(i, c -> new SimConfig(QWEN, List.of(), 0, c.loraLoadMs(), c.maxNumSeqs(), c.maxBatchedTokens(),
                    c.blockSize(), c.numGpuBlocks(), c.maxModelLen(), c.c0Ms(), c.wMs(), c.aMsPerToken(),
                    c.kMsPerContextToken(), c.frontendMs(), c.jitter(), c.timeScale(), c.stepMultiplier(),
                    c.oldKvMetricName(), c.seed()));
        }
        SimConfig llamaConfig = SimConfig.defaults().withAdapters(LLAMA_ADAPTERS, 4).withTimeScale(timeScale);
        return new SimulatedPods(SimFleet.start(new FleetConfig(pods, baseAddress, port, llamaConfig, overrides)), llama);
    }

    /** Creates a Ready Pod object for every simulated pod. */
    public void register(KubernetesClient client) {
        List<SimPod> pods = fleet.pods();
        for (int i = 0; i < pods.size(); i++) {
            SimPod p = pods.get(i);
            boolean llama = i < llamaPods;
            String app = llama ? "vllm-llama" : "vllm-qwen";
            String name = app + "-" + (llama ? i : i - llamaPods);
            Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(NAMESPACE)
                    .withLabels(Map.of("app", app, "inference.networking.k8s.io/engine-type", "vllm")).endMetadata()
                    .withNewSpec().addNewContainer().withName("vllm").withImage("vllm/vllm-openai")
                    .addNewPort().withContainerPort(p.port()).endPort().endContainer().endSpec()
                    .build();
            Pod created = client.pods().inNamespace(NAMESPACE).resource(pod).create();
            created.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPodIP(p.address())
                    .addNewCondition().withType("Ready").withStatus("True").endCondition().withPhase("Running").build());
            client.pods().inNamespace(NAMESPACE).resource(created).updateStatus();
        }
    }

    public SimFleet fleet() {
        return fleet;
    }

    @Override
    public void close() {
        fleet.close();
    }
}
