package io.inferrouter.gateway.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenizersTest {

    @Test
    void eachModelGetsItsTokenizerAndOthersTheDefault() {
        String file = HfTokenizerTest.resource("llama3-style.json").toString();
        Tokenizers t = Tokenizers.load(Map.of("llama", "hf:" + file, "llama-sql", "hf:" + file, "off", "none"), "sim");
        assertThat(t.forModel("llama")).isInstanceOf(HfTokenizer.class);
        // One file, read once, shared by the models that name it.
        assertThat(t.forModel("llama-sql")).isSameAs(t.forModel("llama"));
        assertThat(t.forModel("other")).isInstanceOf(SimPromptTokenizer.class);
        // Named with none: no tokenizer, whatever the default.
        assertThat(t.forModel("off")).isNull();
        assertThat(Tokenizers.load(Map.of(), "none").forModel("x")).isNull();
        assertThat(Tokenizers.load(Map.of(), "none").isEmpty()).isTrue();
    }

    @Test
    void aMissingFileFailsTheLoadNamingTheModelAndPath() {
        Path missing = Path.of("/nonexistent/models/llama/tokenizer.json");
        assertThatThrownBy(() -> Tokenizers.load(Map.of("llama", "hf:" + missing), "none"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model 'llama'").hasMessageContaining(missing.toString());
        assertThatThrownBy(() -> Tokenizers.load(Map.of(), "hf:" + missing)).hasMessageContaining("default tokenizer");
    }

    @Test
    void anUnknownSpecIsRefused() {
        assertThatThrownBy(() -> Tokenizers.load(Map.of("m", "tiktoken"), "none"))
                .hasMessageContaining("'none', 'sim' or 'hf:<path to tokenizer.json>'").hasMessageContaining("tiktoken");
        assertThatThrownBy(() -> Tokenizers.checkSpec("hf:", "x")).hasMessageContaining("was 'hf:'");
    }
}
