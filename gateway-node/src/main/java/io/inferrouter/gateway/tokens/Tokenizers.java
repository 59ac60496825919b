package io.inferrouter.gateway.tokens;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tokenizer of every model the gateway tokenizes for, loaded once at start: configured per model
 * name ({@code tokenizers} in the config file) with a default for the others ({@code tokenizers.default}).
 * A spec is {@value #NONE} (no tokenizer: precise prefix matching falls back to the approximate
 * scorer), {@value SimPromptTokenizer#SPEC} (the simulated fleet's) or {@code hf:<path>} (a Hugging
 * Face tokenizer.json on local disk, never downloaded). A file named by several models is read once.
 * Immutable: the request path only reads the map.
 */
public final class Tokenizers {

    public static final String NONE = "none";
    public static final String HF_PREFIX = "hf:";
    /** No model has a tokenizer. */
    public static final Tokenizers EMPTY = new Tokenizers(Map.of(), null);

    /** Stands for "none" in {@link #byModel}: a model named with {@code none} has no tokenizer, not the default. */
    private static final PromptTokenizer NO_TOKENIZER = new PromptTokenizer() {
        @Override
        public String spec() {
            return NONE;
        }

        @Override
        public int[] tokenize(String text, PromptForm form, boolean cut, int maxTokens) {
            return null;
        }
    };

    private final Map<String, PromptTokenizer> byModel;
    private final PromptTokenizer fallback;

    private Tokenizers(Map<String, PromptTokenizer> byModel, PromptTokenizer fallback) {
        this.byModel = Map.copyOf(byModel);
        this.fallback = fallback;
    }

    /**
     * @param specByModel model name to tokenizer spec
     * @param defaultSpec the spec of every other model
     * @throws IllegalArgumentException naming the model and spec when a spec is unknown or its file
     *                                  cannot be read or is not supported
     */
    public static Tokenizers load(Map<String, String> specByModel, String defaultSpec) {
        Map<Path, PromptTokenizer> files = new HashMap<>();
        Map<String, PromptTokenizer> byModel = new LinkedHashMap<>();
        specByModel.forEach((model, spec) -> {
            PromptTokenizer t = parse(spec, files, "tokenizer of model '" + model + "'");
            byModel.put(model, t == null ? NO_TOKENIZER : t);
        });
        return new Tokenizers(byModel, parse(defaultSpec, files, "default tokenizer"));
    }

    /** Checks a spec's form without loading a file; the message names {@code what}. */
    public static void checkSpec(String spec, String what) {
        if (spec == null || !(spec.equals(NONE) || spec.equals(SimPromptTokenizer.SPEC)
                || (spec.startsWith(HF_PREFIX) && spec.length() > HF_PREFIX.length()))) {
            throw new IllegalArgumentException(what + " must be '" + NONE + "', '" + SimPromptTokenizer.SPEC
                    + "' or 'hf:<path to tokenizer.json>', was '" + spec + "'");
        }
    }

    private static PromptTokenizer parse(String spec, Map<Path, PromptTokenizer> files, String what) {
        checkSpec(spec, what);
        if (spec.equals(NONE)) {
            return null;
        }
        if (spec.equals(SimPromptTokenizer.SPEC)) {
            return new SimPromptTokenizer();
        }
        Path path = Path.of(spec.substring(HF_PREFIX.length()));
        try {
            return files.computeIfAbsent(path.toAbsolutePath().normalize(), p -> HfTokenizer.load(path));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
    }

    /** The tokenizer of {@code model} (the model or adapter name sent to the server), or null for none. */
    public PromptTokenizer forModel(String model) {
        PromptTokenizer t = byModel.get(model);
        return t == null ? fallback : t == NO_TOKENIZER ? null : t;
    }

    /** True when no model has a tokenizer. */
    public boolean isEmpty() {
        return fallback == null && byModel.values().stream().allMatch(t -> t == NO_TOKENIZER);
    }
}
