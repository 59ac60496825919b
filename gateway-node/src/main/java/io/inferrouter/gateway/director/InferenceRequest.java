package io.inferrouter.gateway.director;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.inferrouter.gateway.config.GatewayConfig;
import io.inferrouter.gateway.errors.GatewayException;
import io.inferrouter.gateway.scheduler.PromptBlocks;
import io.inferrouter.gateway.tokens.PromptForm;
import io.inferrouter.schemas.tokens.SimTokenizer;
import io.inferrouter.schemas.serde.Json;
import java.io.IOException;
import java.io.Writer;

/**
 * An OpenAI completions or chat-completions body, parsed once: the model, whether it streams, and
 * the prompt text the prefix-cache scorers hash (a chat request's messages as the lines
 * {@code role: content} the simulated fleet tokenizes, {@link SimTokenizer#chatPrompt}; a prompt
 * array as its items, one per line, {@link SimTokenizer#completionPrompt}). The original bytes are kept and forwarded as they
 * are; a rewritten model is spliced into them in place of the {@code model} value.
 *
 * <p>The body is read with a streaming parser, not a tree: every token is still checked (invalid JSON
 * and misplaced values are the same 400s as before), but only the leading prompt text the prefix
 * scorer can hash is kept ({@link #promptCharsFor}); strings beyond it are skipped undecoded. The kept
 * text is exactly what a full read gives, cut at that length, so prefix affinity is unchanged.
 */
public final class InferenceRequest {

    /** Which OpenAI API the body is for. */
    public enum Kind { COMPLETIONS, CHAT }

    /**
     * The largest KV block, in tokens, whose blocks are all hashed up to {@code prefix.max-blocks}:
     * prompts are kept to {@code max-blocks x 64 x 4} characters. A pool with larger blocks (rare;
     * servers use 16 or 32) hashes fewer leading blocks.
     */
    public static final int MAX_HASHED_BLOCK_TOKENS = 64;

    private final Kind kind;
    private final byte[] bytes;
    private final String model;
    private final int modelStart;
    private final int modelEnd;
    private final boolean stream;
    private final String prompt;
    private final PromptForm promptForm;
    private final boolean promptCut;

    private InferenceRequest(Kind kind, byte[] bytes, String model, int modelStart, int modelEnd, boolean stream,
                             String prompt, PromptForm promptForm, boolean promptCut) {
        this.kind = kind;
        this.bytes = bytes;
        this.model = model;
        this.modelStart = modelStart;
        this.modelEnd = modelEnd;
        this.stream = stream;
        this.prompt = prompt;
        this.promptForm = promptForm;
        this.promptCut = promptCut;
    }

    /**
     * Characters per token kept for the precise prefix scorer's tokenizer: twice English's average, so
     * that text with many spaces, digits or symbols still yields its {@code max-tokens}; text that
     * needs more (long runs of spaces) just hashes fewer blocks.
     */
    public static final int PRECISE_CHARS_PER_TOKEN = 8;

    /** The prompt characters kept for prefix hashing when at most {@code maxBlocks} blocks are hashed. */
    public static int promptCharsFor(int maxBlocks) {
        return (int) Math.min(Integer.MAX_VALUE,
                (long) maxBlocks * MAX_HASHED_BLOCK_TOKENS * PromptBlocks.CHARS_PER_TOKEN);
    }

    /** The prompt characters kept for both prefix scorers: the approximate one's and {@code maxTokens} tokens'. */
    public static int promptCharsFor(int maxBlocks, int maxTokens) {
        return (int) Math.min(Integer.MAX_VALUE,
                Math.max(promptCharsFor(maxBlocks), (long) maxTokens * PRECISE_CHARS_PER_TOKEN));
    }

    /** With the prompt kept for the default {@code prefix.max-blocks}. */
    public static InferenceRequest parse(Kind kind, byte[] bytes) {
        return parse(kind, bytes, promptCharsFor(GatewayConfig.PREFIX_MAX_BLOCKS.fallback().get()));
    }

    /**
     * @param promptChars leading prompt characters kept (see {@link #promptCharsFor})
     * @throws GatewayException 400 when the body is not a usable request
     */
    public static InferenceRequest parse(Kind kind, byte[] bytes, int promptChars) {
        try (JsonParser p = Json.mapper().createParser(bytes)) {
            return new Reader(kind, bytes, p, promptChars).read();
        } catch (JacksonException e) {
            throw GatewayException.badRequest("request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw GatewayException.badRequest("request body cannot be read: " + e.getMessage());
        }
    }

    public Kind kind() {
        return kind;
    }

    public String model() {
        return model;
    }

    public boolean stream() {
        return stream;
    }

    /** The prompt text, cut at the length given to {@link #parse(Kind, byte[], int)}. */
    public String prompt() {
        return prompt;
    }

    /** What the prompt text was made from: one string, a prompt array, or chat messages. */
    public PromptForm promptForm() {
        return promptForm;
    }

    /** True when {@link #prompt()} is only the start of the prompt's text (it was longer than the cap). */
    public boolean promptCut() {
        return promptCut;
    }

    /**
     * The body to send upstream: the original bytes, or a copy with the {@code model} value replaced
     * and every other byte (whitespace, escapes, key order) as the client sent it.
     */
    public byte[] bodyFor(String targetModel) {
        if (targetModel.equals(model)) {
            return bytes;
        }
        byte[] value;
        try {
            value = Json.mapper().writeValueAsBytes(targetModel);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a rewritten model name", e);
        }
        byte[] out = new byte[bytes.length - (modelEnd - modelStart) + value.length];
        System.arraycopy(bytes, 0, out, 0, modelStart);
        System.arraycopy(value, 0, out, modelStart, value.length);
        System.arraycopy(bytes, modelEnd, out, modelStart + value.length, bytes.length - modelEnd);
        return out;
    }

    /**
     * One pass over the body. Field semantics follow a tree read: the last of duplicate keys wins, and
     * errors are reported in the same order (JSON, model, stream, then the prompt's first fault).
     */
    private static final class Reader {
        private final Kind kind;
        private final byte[] bytes;
        private final JsonParser p;
        private final Prompt prompt;
        private String model;
        private boolean modelIsText;
        private boolean modelSeen;
        private int modelStart;
        private int modelEnd;
        private JsonToken stream;
        private boolean promptSeen;
        private String promptError;
        private PromptForm promptForm;

        Reader(Kind kind, byte[] bytes, JsonParser p, int promptChars) {
            this.kind = kind;
            this.bytes = bytes;
            this.p = p;
            // The text is rarely longer than the body it comes from: one array, no regrowth.
            this.prompt = new Prompt(promptChars, Math.min(promptChars, bytes.length));
            this.promptForm = kind == Kind.CHAT ? PromptForm.CHAT : PromptForm.TEXT;
        }

        InferenceRequest read() throws IOException {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                skipRoot();
                throw GatewayException.badRequest("request body must be a JSON object");
            }
            String promptField = kind == Kind.CHAT ? "messages" : "prompt";
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (name.equals("model")) {
                    readModel(t);
                } else if (name.equals("stream")) {
                    stream = t;
                    p.skipChildren();
                } else if (name.equals(promptField)) {
                    promptSeen = t != JsonToken.VALUE_NULL;
                    prompt.reset();
                    promptError = null;
                    if (kind == Kind.CHAT) {
                        readMessages(t);
                    } else {
                        readCompletionPrompt(t);
                    }
                } else {
                    p.skipChildren();
                }
            }
            trailing();
            if (!modelSeen || !modelIsText || model.isBlank()) {
                throw GatewayException.badRequest("'model' is required and must be a non-empty string");
            }
            if (stream != null && stream != JsonToken.VALUE_NULL && !stream.isBoolean()) {
                throw GatewayException.badRequest("'stream' must be a boolean");
            }
            if (kind == Kind.CHAT && !promptSeen && promptError == null) {
                promptError = "'messages' is required for /v1/chat/completions and must be a non-empty array";
            } else if (kind == Kind.COMPLETIONS && !promptSeen) {
                promptError = "'prompt' is required for /v1/completions";
            }
            if (promptError != null) {
                throw GatewayException.badRequest(promptError);
            }
            if (modelStart < 0 || modelEnd <= modelStart) {
                // Jackson reads UTF-16 and UTF-32 too, without byte offsets; the API's bodies are UTF-8.
                throw GatewayException.badRequest("request body must be JSON in UTF-8");
            }
            return new InferenceRequest(kind, bytes, model, modelStart, modelEnd, stream == JsonToken.VALUE_TRUE,
                    prompt.text(), promptForm, prompt.cut());
        }

        /** A non-object root is still read to its end, so bad JSON stays a JSON error. */
        private void skipRoot() throws IOException {
            if (p.currentToken() != null) {
                p.skipChildren();
                trailing();
            }
        }

        private void trailing() throws IOException {
            JsonToken t = p.nextToken();
            if (t != null) {
                throw GatewayException.badRequest("request body is not valid JSON: Trailing token (of type " + t
                        + ") found after value (bound as `com.fasterxml.jackson.databind.JsonNode`): not allowed as per"
                        + " `DeserializationFeature.FAIL_ON_TRAILING_TOKENS`");
            }
        }

        private void readModel(JsonToken t) throws IOException {
            modelSeen = true;
            modelIsText = t == JsonToken.VALUE_STRING;
            if (modelIsText) {
                modelStart = (int) p.currentTokenLocation().getByteOffset();
                model = p.getText();
                // getText() consumed the closing quote: the span is the whole string token.
                modelEnd = (int) p.currentLocation().getByteOffset();
            } else {
                model = null;
                p.skipChildren();
            }
        }

        private void readCompletionPrompt(JsonToken t) throws IOException {
            promptForm = t == JsonToken.START_ARRAY ? PromptForm.LIST : PromptForm.TEXT;
            switch (t) {
                case VALUE_NULL -> { }
                case VALUE_STRING -> prompt.appendString(p);
                case START_ARRAY -> {
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        JsonToken item = p.currentToken();
                        if (item == JsonToken.VALUE_STRING) {
                            prompt.appendString(p);
                        } else if (item.isNumeric() || item == JsonToken.START_ARRAY) {
                            // Token ids: hashed by their text form, which still identifies equal prefixes.
                            prompt.appendCompact(p);
                        } else {
                            p.skipChildren();
                            if (promptError == null) {
                                promptError = "'prompt' array items must be strings or token ids";
                            }
                            continue;
                        }
                        prompt.append("\n");
                    }
                }
                default -> {
                    p.skipChildren();
                    promptError = "'prompt' must be a string or an array";
                }
            }
        }

        private void readMessages(JsonToken t) throws IOException {
            String required = "'messages' is required for /v1/chat/completions and must be a non-empty array";
            if (t != JsonToken.START_ARRAY) {
                p.skipChildren();
                promptError = required;
                return;
            }
            boolean empty = true;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                empty = false;
                if (p.currentToken() != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    if (promptError == null) {
                        promptError = "each item of 'messages' must be an object";
                    }
                    continue;
                }
                String contentError = readMessage();
                if (promptError == null) {
                    promptError = contentError;
                }
            }
            if (empty) {
                promptError = required;
            }
        }

        /**
         * Appends {@code role + ": " + content + "\n"} as the simulator builds it ({@link SimTokenizer#chatPrompt}),
         * whatever the order of the keys; returns the content's fault.
         */
        private String readMessage() throws IOException {
            int start = prompt.length();
            String role = SimTokenizer.DEFAULT_ROLE;
            int contentStart = -1;
            String contentError = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (name.equals("role")) {
                    String newRole = asText(t, SimTokenizer.DEFAULT_ROLE);
                    if (contentStart >= 0) {
                        contentStart = prompt.replaceRole(start, contentStart, newRole + ": ");
                    }
                    role = newRole;
                } else if (name.equals("content")) {
                    if (contentStart < 0) {
                        prompt.append(role).append(": ");
                        contentStart = prompt.length();
                    } else {
                        prompt.truncate(contentStart);
                    }
                    contentError = null;
                    switch (t) {
                        case VALUE_NULL -> { }
                        case VALUE_STRING -> prompt.appendString(p);
                        case START_ARRAY -> readParts();
                        default -> {
                            p.skipChildren();
                            contentError = "message 'content' must be a string or an array of parts";
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (contentStart < 0) {
                prompt.append(role).append(": ");
            }
            prompt.append("\n");
            return contentError;
        }

        /** Content parts: the text of each part that has one, as a tree's {@code asText("")} gives it. */
        private void readParts() throws IOException {
            while (p.nextToken() != JsonToken.END_ARRAY) {
                if (p.currentToken() != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    continue;
                }
                int partStart = prompt.length();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken t = p.nextToken();
                    if (name.equals("text")) {
                        prompt.truncate(partStart);
                        if (t == JsonToken.VALUE_STRING) {
                            prompt.appendString(p);
                        } else {
                            prompt.append(asText(t, ""));
                        }
                    } else {
                        p.skipChildren();
                    }
                }
            }
        }

        /**
         * A value as a tree's {@code asText()} gives it: containers "", null the given text or "null",
         * numbers as their int, long, big integer or double node writes them.
         */
        private String asText(JsonToken t, String nullText) throws IOException {
            if (t == JsonToken.VALUE_STRING) {
                return p.getText();
            }
            if (t.isStructStart()) {
                p.skipChildren();
                return "";
            }
            if (t == JsonToken.VALUE_NULL) {
                return nullText == null ? "null" : nullText;
            }
            return switch (t) {
                case VALUE_TRUE -> "true";
                case VALUE_FALSE -> "false";
                case VALUE_NUMBER_INT -> p.getNumberValue().toString();
                case VALUE_NUMBER_FLOAT -> Double.toString(p.getDoubleValue());
                default -> p.getText();
            };
        }
    }

    /** The prompt text, kept up to its cap; what lies beyond is read but not kept. */
    private static final class Prompt extends Writer {
        /** Writes token ids as a tree's compact {@code toString()} does (plain factory, no root separator). */
        private static final JsonFactory COMPACT = new JsonFactory();

        private int cap;
        private final StringBuilder text;
        private JsonGenerator compact;
        /** True once a character of the prompt was not kept. */
        private boolean cut;

        Prompt(int cap, int expected) {
            this.cap = cap;
            this.text = new StringBuilder(expected);
        }

        int length() {
            return text.length();
        }

        void reset() {
            text.setLength(0);
            cut = false;
        }

        boolean cut() {
            return cut;
        }

        void truncate(int length) {
            if (length < text.length()) {
                text.setLength(length);
            }
        }

        boolean full() {
            return text.length() >= cap;
        }

        Prompt append(String s) {
            int room = cap - text.length();
            if (room > 0) {
                text.append(s, 0, Math.min(room, s.length()));
            }
            cut |= s.length() > room;
            return this;
        }

        @Override
        public void write(char[] buf, int off, int len) {
            int room = cap - text.length();
            if (room > 0) {
                text.append(buf, off, Math.min(room, len));
            }
            cut |= len > room;
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        /**
         * The current string token, segment by segment from the parser's buffer (no joined copy);
         * beyond the cap it is left undecoded.
         */
        void appendString(JsonParser p) throws IOException {
            if (!full()) {
                p.getText(this);
            } else {
                // Left undecoded, so its length is unknown: an empty string would lose nothing.
                cut = true;
            }
        }

        /** A token id or an array of them, as a tree's compact {@code toString()} writes it. */
        void appendCompact(JsonParser p) throws IOException {
            if (full()) {
                p.skipChildren();
                cut = true;
                return;
            }
            if (compact == null) {
                compact = COMPACT.createGenerator(this);
                compact.setRootValueSeparator(null);
            }
            compact.copyCurrentStructure(p);
            compact.flush();
        }

        /**
         * Puts {@code rolePrefix} in place of the one written at {@code start} (a role key after the
         * content); returns the content's new start. Text cut at the cap is not recovered, so a
         * shorter prefix lowers the cap to keep the prompt a true prefix of the full text.
         */
        int replaceRole(int start, int contentStart, String rolePrefix) {
            boolean wasFull = full();
            text.replace(start, Math.min(contentStart, text.length()), rolePrefix);
            truncate(cap);
            if (wasFull) {
                cap = text.length();
            }
            return start + rolePrefix.length();
        }

        String text() {
            return text.toString();
        }
    }
}
