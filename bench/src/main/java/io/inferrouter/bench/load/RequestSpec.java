package io.inferrouter.bench.load;

/**
 * One request of a workload: chat messages as a system prompt and a user question, the output
 * length to ask for, the model (or LoRA adapter), and the group or session it belongs to.
 *
 * @param system    the system prompt (shared within a group), may be empty
 * @param question  the user turn(s)
 * @param maxTokens output tokens to ask for (the simulator produces exactly this many)
 */
public record RequestSpec(String model, String system, String question, int maxTokens, String group) {
}
