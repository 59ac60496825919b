package io.inferrouter.gateway.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferrouter.schemas.serde.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads a Hugging Face {@code tokenizer.json} into an {@link HfTokenizer}, refusing with a message
 * that names the file and the part anything it would not reproduce exactly: the tokenizer would
 * otherwise give ids the server never sees, and precise prefix matching would silently match nothing.
 */
final class HfTokenizerFile {

    private final Path file;

    private HfTokenizerFile(Path file) {
        this.file = file;
    }

    static HfTokenizer load(Path file) {
        return new HfTokenizerFile(file).read();
    }

    private HfTokenizer read() {
        JsonNode root;
        try {
            root = Json.mapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read tokenizer file " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw unsupported("the file is not a JSON object");
        }
        BytePairModel model = model(root.path("model"));
        AddedTokens added = addedTokens(root.path("added_tokens"), !root.path("normalizer").isNull()
                && !root.path("normalizer").isMissingNode());
        return new HfTokenizer("hf:" + file, added, normalization(root.path("normalizer")),
                preTokenizer(root.path("pre_tokenizer")), model, postProcessor(root.path("post_processor")));
    }

    private BytePairModel model(JsonNode m) {
        String type = m.path("type").asText("BPE");
        if (!type.equals("BPE") || !m.has("merges")) {
            throw unsupported("model type " + type + " (only byte-level BPE is supported)");
        }
        if (m.path("byte_fallback").asBoolean(false)) {
            throw unsupported("model.byte_fallback (SentencePiece-style BPE)");
        }
        for (String field : List.of("continuing_subword_prefix", "end_of_word_suffix")) {
            if (!m.path(field).isNull() && !m.path(field).isMissingNode() && !m.path(field).asText().isEmpty()) {
                throw unsupported("model." + field);
            }
        }
        if (!m.path("dropout").isNull() && !m.path("dropout").isMissingNode() && m.path("dropout").asDouble() > 0) {
            throw unsupported("model.dropout");
        }
        JsonNode vocabNode = m.path("vocab");
        if (!vocabNode.isObject() || vocabNode.isEmpty()) {
            throw unsupported("model.vocab is missing or empty");
        }
        BytesIdMap vocab = new BytesIdMap(vocabNode.size());
        java.util.HashMap<String, Integer> ids = new java.util.HashMap<>(vocabNode.size() * 2);
        for (Iterator<Map.Entry<String, JsonNode>> it = vocabNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            byte[] bytes = ByteLevel.bytesOf(e.getKey());
            if (bytes == null) {
                throw unsupported("vocabulary entry '" + e.getKey() + "' is not byte-level (a ByteLevel BPE vocabulary"
                        + " writes every byte as one character of GPT-2's alphabet)");
            }
            vocab.put(bytes, e.getValue().asInt());
            ids.put(e.getKey(), e.getValue().asInt());
        }
        int[] byteIds = new int[256];
        for (int b = 0; b < 256; b++) {
            Integer id = ids.get(String.valueOf(ByteLevel.charOf(b)));
            if (id == null) {
                throw unsupported("the vocabulary has no token for byte " + b + " (every byte needs one)");
            }
            byteIds[b] = id;
        }
        JsonNode mergesNode = m.path("merges");
        MergeTable merges = new MergeTable(Math.max(1, mergesNode.size()));
        int rank = 0;
        for (JsonNode merge : mergesNode) {
            String left;
            String right;
            if (merge.isArray() && merge.size() == 2) {
                left = merge.get(0).asText();
                right = merge.get(1).asText();
            } else if (merge.isTextual() && merge.asText().indexOf(' ') > 0) {
                String s = merge.asText();
                int space = s.indexOf(' ');
                left = s.substring(0, space);
                right = s.substring(space + 1);
            } else {
                throw unsupported("model.merges[" + rank + "] is neither \"a b\" nor [\"a\", \"b\"]");
            }
            Integer l = ids.get(left);
            Integer r = ids.get(right);
            Integer merged = ids.get(left + right);
            if (l == null || r == null || merged == null) {
                throw unsupported("model.merges[" + rank + "] (" + left + " " + right + ") names a token not in the"
                        + " vocabulary");
            }
            merges.put(l, r, rank, merged);
            rank++;
        }
        return new BytePairModel(vocab, merges, byteIds, m.path("ignore_merges").asBoolean(false));
    }

    private AddedTokens addedTokens(JsonNode list, boolean hasNormalizer) {
        List<AddedTokens.Token> tokens = new ArrayList<>();
        for (JsonNode t : list) {
            String content = t.path("content").asText("");
            for (String flag : List.of("single_word", "lstrip", "rstrip")) {
                if (t.path(flag).asBoolean(false)) {
                    throw unsupported("added token '" + content + "' sets " + flag);
                }
            }
            if (hasNormalizer && t.path("normalized").asBoolean(false)) {
                throw unsupported("added token '" + content + "' is matched on normalized text");
            }
            tokens.add(new AddedTokens.Token(content, t.path("id").asInt()));
        }
        return new AddedTokens(tokens);
    }

    private Normalizer.Form normalization(JsonNode n) {
        if (n.isNull() || n.isMissingNode()) {
            return null;
        }
        String type = n.path("type").asText();
        if (type.equals("Sequence")) {
            Normalizer.Form form = null;
            for (JsonNode step : n.path("normalizers")) {
                Normalizer.Form f = normalization(step);
                if (form != null && f != null && f != form) {
                    throw unsupported("normalizer Sequence of " + form + " and " + f);
                }
                form = f == null ? form : f;
            }
            return form;
        }
        return switch (type) {
            case "NFC" -> Normalizer.Form.NFC;
            case "NFD" -> Normalizer.Form.NFD;
            case "NFKC" -> Normalizer.Form.NFKC;
            case "NFKD" -> Normalizer.Form.NFKD;
            default -> throw unsupported("normalizer " + type + " (supported: NFC, NFD, NFKC, NFKD)");
        };
    }

    private PreTokenizer preTokenizer(JsonNode p) {
        List<PreTokenizer.Step> steps = new ArrayList<>();
        boolean[] byteLevel = {false};
        preTokenizerSteps(p, steps, byteLevel);
        if (!byteLevel[0]) {
            throw unsupported("pre_tokenizer has no ByteLevel step (only byte-level BPE is supported)");
        }
        return new PreTokenizer(steps);
    }

    private void preTokenizerSteps(JsonNode p, List<PreTokenizer.Step> steps, boolean[] byteLevel) {
        if (p.isNull() || p.isMissingNode()) {
            return;
        }
        String type = p.path("type").asText();
        switch (type) {
            case "Sequence" -> {
                for (JsonNode step : p.path("pretokenizers")) {
                    preTokenizerSteps(step, steps, byteLevel);
                }
            }
            case "Split" -> {
                JsonNode pattern = p.path("pattern");
                if (!pattern.has("Regex")) {
                    throw unsupported("pre_tokenizer Split with a String pattern (only Regex is supported)");
                }
                if (!p.path("behavior").asText().equals("Isolated") || p.path("invert").asBoolean(false)) {
                    throw unsupported("pre_tokenizer Split behavior " + p.path("behavior").asText()
                            + (p.path("invert").asBoolean(false) ? " inverted" : "") + " (only Isolated)");
                }
                try {
                    steps.add(PreTokenizer.Split.of(pattern.path("Regex").asText()));
                } catch (java.util.regex.PatternSyntaxException e) {
                    throw unsupported("pre_tokenizer Split regex does not compile in Java: " + e.getDescription());
                }
            }
            case "ByteLevel" -> {
                byteLevel[0] = true;
                if (p.path("add_prefix_space").asBoolean(false)) {
                    steps.add(new PreTokenizer.PrefixSpace());
                }
                if (p.path("use_regex").asBoolean(true)) {
                    steps.add(PreTokenizer.Split.of(ByteLevel.GPT2_PATTERN));
                }
            }
            default -> throw unsupported("pre_tokenizer " + type + " (supported: ByteLevel, Split, Sequence)");
        }
    }

    private PostProcessor postProcessor(JsonNode p) {
        if (p.isNull() || p.isMissingNode()) {
            return PostProcessor.NONE;
        }
        String type = p.path("type").asText();
        return switch (type) {
            case "ByteLevel" -> PostProcessor.NONE;
            case "Sequence" -> {
                PostProcessor out = PostProcessor.NONE;
                for (JsonNode step : p.path("processors")) {
                    out = out.then(postProcessor(step));
                }
                yield out;
            }
            case "TemplateProcessing" -> template(p);
            case "RobertaProcessing", "BertProcessing" -> new PostProcessor(
                    new int[] {p.path("cls").path(1).asInt()}, new int[] {p.path("sep").path(1).asInt()});
            default -> throw unsupported("post_processor " + type
                    + " (supported: ByteLevel, TemplateProcessing, RobertaProcessing, BertProcessing, Sequence)");
        };
    }

    private PostProcessor template(JsonNode p) {
        List<Integer> prefix = new ArrayList<>();
        List<Integer> suffix = new ArrayList<>();
        boolean seenSequence = false;
        for (JsonNode piece : p.path("single")) {
            if (piece.has("Sequence")) {
                seenSequence = true;
            } else if (piece.has("SpecialToken")) {
                String id = piece.path("SpecialToken").path("id").asText();
                JsonNode special = p.path("special_tokens").path(id);
                if (!special.path("ids").isArray()) {
                    throw unsupported("post_processor template names special token '" + id
                            + "' that special_tokens does not define");
                }
                for (JsonNode i : special.path("ids")) {
                    (seenSequence ? suffix : prefix).add(i.asInt());
                }
            } else {
                throw unsupported("post_processor template piece " + piece);
            }
        }
        return new PostProcessor(prefix.stream().mapToInt(Integer::intValue).toArray(),
                suffix.stream().mapToInt(Integer::intValue).toArray());
    }

    private IllegalArgumentException unsupported(String what) {
        return new IllegalArgumentException("tokenizer file " + file + " is not supported: " + what
                + "; the gateway reads byte-level BPE tokenizer.json files (Llama 3, Qwen 2/3, GPT-2 layouts)");
    }
}
