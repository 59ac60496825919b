package io.inferrouter.devstack;

import io.inferrouter.schemas.topics.Topics;
import java.util.List;

/** What the operator sees once the system is up: where everything listens. */
final class Banner {

    private Banner() {
    }

    static String of(Devstack stack) {
        StringBuilder b = new StringBuilder();
        b.append("\n=== inference-router embedded default is up ===\n");
        b.append(String.format("  Kafka (%s)   %s%n", stack.config().embeddedKafka() ? "embedded KRaft" : "external",
                stack.bootstrapServers()));
        b.append(String.format("  topics               %d created or present (see README: Topic catalogue)%n",
                Topics.all().size()));
        List<String> gateways = stack.addresses().gateways();
        b.append(String.format("  gateway-node         %s  (OpenAI API, /metrics, /health, /ready)%n", gateways.getFirst()));
        for (int k = 1; k < gateways.size(); k++) {
            b.append(String.format("  gateway-node %-7s %s  (replica %d of %d, sharing what they learn)%n", k,
                    gateways.get(k), k + 1, gateways.size()));
        }
        b.append(String.format("  admin-ui             %s  (pools, models, decisions, replay)%n", stack.addresses().admin()));
        b.append(String.format("  routing-stream       %s  (GET /v1/pools, /v1/status, ...)%n",
                stack.addresses().routingStream()));
        b.append(String.format("  Kubernetes API       %s  (kubeconfig: %s)%n", stack.addresses().kubeApi(),
                stack.addresses().kubeconfig()));
        b.append(String.format("  state-ingestor       %s  (/metrics, /health, /ready)%n", stack.addresses().ingestor()));
        if (stack.config().kubeconfig() == null && stack.config().simPods() > 0) {
            b.append(String.format("  simulated vLLM pods  %d on %s.. port %d (time scale %s)%n", stack.config().simPods(),
                    stack.config().simBaseAddress(), stack.config().simPort(), stack.config().simTimeScale()));
        }
        stack.addresses().modelServers().forEach(m -> b.append(String.format("  model server         %s:%s  (pod %s/%s of pool %s)%n",
                m.spec().address(), m.ports().size() == 1 ? m.ports().get(0) : m.ports(), m.spec().pool().namespace(), m.podName(),
                m.spec().pool())));
        b.append(String.format("  scheduling profile   %s  (prompts tokenized %s)%n", stack.config().profile(),
                stack.config().simTokenizer() ? "as the simulated pods do: prefix routing from their KV events"
                        : "by no tokenizer: prefix routing falls back to the gateway's guess"));
        b.append(String.format("  data directory       %s%n", stack.config().dataDir().toAbsolutePath()));
        String gw = stack.addresses().gateway();
        b.append("\nTry it (routed through the Kafka-built tables to a simulated pod):\n");
        b.append("  curl -s " + gw + "/v1/chat/completions -H 'content-type: application/json' \\\n"
                + "    -d '{\"model\":\"meta-llama/Llama-3.1-8B-Instruct\",\"max_tokens\":16,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}'\n");
        b.append("  curl -sN " + gw + "/v1/chat/completions -H 'content-type: application/json' \\\n"
                + "    -d '{\"model\":\"chat\",\"stream\":true,\"max_tokens\":16,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}'\n");
        b.append("  curl -s " + stack.addresses().routingStream() + "/v1/pools/llm/llama\n");
        b.append("Press Ctrl-C to stop.\n");
        return b.toString();
    }
}
