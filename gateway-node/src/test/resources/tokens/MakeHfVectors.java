import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes hf-vectors.json: texts and the ids Hugging Face's tokenizers (the Rust reference, through
 * DJL's ai.djl.huggingface:tokenizers) gives for them with the tokenizer.json files beside this file,
 * with and without special tokens. Not part of the build; run it by hand after changing the files:
 *
 *   java -cp "$(ls ~/.m2/repository/ai/djl/api/0.38.0/*.jar ~/.m2/repository/ai/djl/huggingface/tokenizers/0.38.0/*.jar \
 *       ~/.m2/repository/com/google/code/gson/gson/2.13.1/*.jar ~/.m2/repository/net/java/dev/jna/jna/5.17.0/*.jar \
 *       ~/.m2/repository/org/apache/commons/commons-compress/1.27.1/*.jar \
 *       ~/.m2/repository/org/slf4j/slf4j-api/2.0.17/*.jar | tr '\n' :)" MakeHfVectors.java
 *
 * (fetch the jars once with `mvn dependency:get -Dartifact=ai.djl.huggingface:tokenizers:0.38.0`).
 */
public class MakeHfVectors {

    private static final String[] FIXED = {
        "", " ", "hello", "Hello world", "You are a helpful assistant.", "don't DON'T we'll WE'LL it's IT'S I'm",
        "12345 1234567 3.14159 2025-01-31", "  leading and trailing  ", "tabs\tand\nnewlines\r\n\r\nend",
        "café naïve Zürich résumé", "日本語のテキスト", "emoji 😀😀 done", "a\u00a0b\u2003c\u3000d",
        "e\u0301 combining", "punct!!!\n\n(next) [x] {y} <z>", "x    y", "trailing newline\n",
        "<|begin_of_text|>Hello<|eot_id|>", "<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>",
        "a<|endoftext|>b", "The quick brown fox jumps over the lazy dog; the dog doesn't mind.",
        "def tokenize(text):\n    return [token for token in text.split() if token]\n",
        "assistant".repeat(30), " ".repeat(200) + "x", "\u65e5\u672c\u8a9e".repeat(40), "1".repeat(100),
        "helpfulassistantsystemprompt".repeat(5) + " " + "abc".repeat(60),
    };
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
            + "      \t\n\r'.,;:!?-_()[]{}<>\"/\\|@#$%^&*+=~`éüßçñ日本語😀\u00a0\u2003\u0301\u3000";

    public static void main(String[] args) throws Exception {
        Path here = Path.of(args.length > 0 ? args[0] : ".");
        List<String> texts = new ArrayList<>(List.of(FIXED));
        Random random = new Random(20260101);
        for (int t = 0; t < 230; t++) {
            StringBuilder b = new StringBuilder();
            int len = random.nextInt(t < 200 ? 60 : 400);
            while (b.length() < len) {
                if (random.nextInt(8) == 0) {
                    String[] words = {" the", " system", "'s", "'LL", " 2024", " assistant", "\n\n", "   ", "<|eot_id|>",
                        "<|begin_of_text|>", "don't", " 1234567"};
                    b.append(words[random.nextInt(words.length)]);
                } else {
                    int cp = ALPHABET.codePointAt(ALPHABET.offsetByCodePoints(0,
                            random.nextInt(ALPHABET.codePointCount(0, ALPHABET.length()))));
                    b.appendCodePoint(cp);
                }
            }
            texts.add(b.toString());
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("reference", "huggingface tokenizers (Rust) through ai.djl.huggingface:tokenizers 0.38.0");
        List<Object> cases = new ArrayList<>();
        for (String file : List.of("llama3-style.json", "gpt2-style.json")) {
            try (HuggingFaceTokenizer with = load(here.resolve(file), true);
                 HuggingFaceTokenizer without = load(here.resolve(file), false)) {
                for (String text : texts) {
                    Map<String, Object> c = new LinkedHashMap<>();
                    c.put("tokenizer", file);
                    c.put("text", text);
                    c.put("ids", ids(with.encode(text)));
                    c.put("idsWithoutSpecial", ids(without.encode(text)));
                    cases.add(c);
                }
            }
        }
        doc.put("cases", cases);
        Files.writeString(here.resolve("hf-vectors.json"), json(doc) + "\n");
        System.out.println("cases " + cases.size());
    }

    private static HuggingFaceTokenizer load(Path file, boolean special) throws Exception {
        return HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", Boolean.toString(special),
                "truncation", "false", "padding", "false", "maxLength", "1000000"));
    }

    private static List<Long> ids(Encoding e) {
        List<Long> out = new ArrayList<>();
        for (long id : e.getIds()) {
            out.add(id);
        }
        return out;
    }

    private static String json(Object o) {
        if (o instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder("{");
            m.forEach((k, v) -> b.append(b.length() > 1 ? ",\n" : "\n").append(json(k)).append(": ").append(json(v)));
            return b.append("\n}").toString();
        }
        if (o instanceof List<?> l) {
            StringBuilder b = new StringBuilder("[");
            for (Object v : l) {
                b.append(b.length() > 1 ? ", " : "").append(json(v));
            }
            return b.append("]").toString();
        }
        if (o instanceof String s) {
            StringBuilder b = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    default -> {
                        if (c < 0x20 || c > 0x7e) {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            return b.append('"').toString();
        }
        return String.valueOf(o);
    }
}
