package io.inferrouter.schemas.traces;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferrouter.schemas.serde.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads and writes workload traces in the format of Mooncake's published traces, so that a replay
 * can run a trace someone else recorded: JSON lines, one request each,
 * {@code {"timestamp": ms, "input_length": tokens, "output_length": tokens, "hash_ids": [ids]}}, where
 * each id names one block of {@value #BLOCK_TOKENS} prompt tokens and equal ids are equal content
 * (so two requests whose ids start alike share that prefix).
 *
 * <p>Reading is strict about the four fields and lenient about the rest: unknown fields are ignored
 * (some published traces carry more), an optional {@code "model"} string is kept, blank lines are
 * skipped, a fractional timestamp is rounded to the millisecond. A line that is not JSON, misses a
 * field, has a negative length, an {@code output_length} below 1, an id that is not an integer, or
 * more ids than {@code ceil(input_length / block)} raises a {@link MalformedTraceException} naming the
 * file and line. The requests come back ordered by timestamp; equal timestamps keep the file's order.
 *
 * <p>The file does not say its block size: read a trace made with another one with
 * {@link #read(Path, int)}. Writing is the inverse, one line per request in the order given, with
 * {@code "model"} only when the request names one.
 */
public final class MooncakeTrace {

    /** Tokens per block that one id names in Mooncake's traces. */
    public static final int BLOCK_TOKENS = 512;

    private static final String TIMESTAMP = "timestamp";
    private static final String INPUT_LENGTH = "input_length";
    private static final String OUTPUT_LENGTH = "output_length";
    private static final String HASH_IDS = "hash_ids";
    private static final String MODEL = "model";

    private MooncakeTrace() {
    }

    /** The requests of {@code file} (UTF-8), ids naming blocks of {@value #BLOCK_TOKENS} tokens. */
    public static List<TraceRequest> read(Path file) throws IOException {
        return read(file, BLOCK_TOKENS);
    }

    /** The requests of {@code file} (UTF-8), ids naming blocks of {@code blockTokens} tokens. */
    public static List<TraceRequest> read(Path file, int blockTokens) throws IOException {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, file.toString(), blockTokens);
        }
    }

    /**
     * The requests of {@code in}, ids naming blocks of {@value #BLOCK_TOKENS} tokens.
     *
     * @param sourceName what error messages call the input (a file name); not opened
     */
    public static List<TraceRequest> read(Reader in, String sourceName) throws IOException {
        return read(in, sourceName, BLOCK_TOKENS);
    }

    /**
     * The requests of {@code in}, ids naming blocks of {@code blockTokens} tokens. Does not close {@code in}.
     *
     * @param sourceName what error messages call the input (a file name); not opened
     * @throws MalformedTraceException at the first bad line
     */
    public static List<TraceRequest> read(Reader in, String sourceName, int blockTokens) throws IOException {
        if (blockTokens < 1) {
            throw new IllegalArgumentException("a trace's block size must be >= 1 token, was " + blockTokens);
        }
        BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in);
        List<TraceRequest> requests = new ArrayList<>();
        int number = 0;
        String line;
        while ((line = lines.readLine()) != null) {
            number++;
            if (number == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.isBlank()) {
                continue;
            }
            try {
                requests.add(request(line, blockTokens));
            } catch (IllegalArgumentException e) {
                throw new MalformedTraceException(sourceName, number, e.getMessage(), e);
            }
        }
        requests.sort(Comparator.comparingLong(TraceRequest::timestampMs));
        return requests;
    }

    /** Writes {@code requests} to {@code file} (UTF-8), replacing it. */
    public static void write(List<TraceRequest> requests, Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            write(requests, out);
        }
    }

    /** Writes {@code requests} to {@code out}, one line each, in the order given. Does not close {@code out}. */
    public static void write(List<TraceRequest> requests, Writer out) throws IOException {
        for (int i = 0; i < requests.size(); i++) {
            TraceRequest r = requests.get(i);
            if (r.timestampMs() < 0) {
                throw new IllegalArgumentException("request " + i + ": timestamp must be >= 0, was " + r.timestampMs());
            }
            String tooMany = tooManyBlocks(r.blocks(), r.inputLength(), r.blockTokens());
            if (tooMany != null) {
                throw new IllegalArgumentException("request " + i + ": " + tooMany);
            }
            out.write(line(r));
            out.write('\n');
        }
        out.flush();
    }

    /** One request as a line of the format, without the line break. */
    public static String line(TraceRequest r) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put(TIMESTAMP, r.timestampMs());
        o.put(INPUT_LENGTH, r.inputLength());
        o.put(OUTPUT_LENGTH, r.outputLength());
        ArrayNode ids = o.putArray(HASH_IDS);
        for (int i = 0; i < r.blocks(); i++) {
            ids.add(r.hashId(i));
        }
        if (r.model() != null) {
            o.put(MODEL, r.model());
        }
        return o.toString();
    }

    private static TraceRequest request(String line, int blockTokens) {
        JsonNode o;
        try {
            o = Json.mapper().readTree(line);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("not a JSON object: " + abbreviate(line));
        }
        long timestamp = timestamp(o);
        int input = length(o, INPUT_LENGTH, 0);
        int output = length(o, OUTPUT_LENGTH, 1);
        long[] ids = hashIds(o);
        String tooMany = tooManyBlocks(ids.length, input, blockTokens);
        if (tooMany != null) {
            throw new IllegalArgumentException(tooMany);
        }
        return new TraceRequest(timestamp, model(o), input, output, ids, blockTokens);
    }

    private static JsonNode field(JsonNode o, String name) {
        JsonNode v = o.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing field \"" + name + "\"");
        }
        return v;
    }

    private static long timestamp(JsonNode o) {
        JsonNode v = field(o, TIMESTAMP);
        boolean fits = v.isIntegralNumber() ? v.canConvertToLong()
                : v.isNumber() && Math.abs(v.doubleValue()) < 0x1p62;
        if (!fits) {
            throw new IllegalArgumentException(TIMESTAMP + " must be a number of ms, was " + abbreviate(v.toString()));
        }
        long ms = v.isIntegralNumber() ? v.longValue() : Math.round(v.doubleValue());
        if (v.doubleValue() < 0) {
            throw new IllegalArgumentException(TIMESTAMP + " must be >= 0, was " + v);
        }
        return ms;
    }

    private static int length(JsonNode o, String name, int min) {
        JsonNode v = field(o, name);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException(name + " must be an integer number of tokens, was "
                    + abbreviate(v.toString()));
        }
        int n = v.intValue();
        if (n < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", was " + n);
        }
        return n;
    }

    private static long[] hashIds(JsonNode o) {
        JsonNode v = field(o, HASH_IDS);
        if (!v.isArray()) {
            throw new IllegalArgumentException(HASH_IDS + " must be an array of integers, was "
                    + abbreviate(v.toString()));
        }
        long[] ids = new long[v.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode id = v.get(i);
            if (!id.isIntegralNumber() || !id.canConvertToLong()) {
                throw new IllegalArgumentException(HASH_IDS + "[" + i + "] must be an integer, was "
                        + abbreviate(id.toString()));
            }
            ids[i] = id.longValue();
        }
        return ids;
    }

    private static String model(JsonNode o) {
        JsonNode v = o.get(MODEL);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(MODEL + " must be a non-blank string, was " + abbreviate(v.toString()));
        }
        return v.asText();
    }

    /** Why {@code blocks} ids cannot name a prompt of {@code input} tokens, or null when they can. */
    private static String tooManyBlocks(int blocks, int input, int blockTokens) {
        long max = ((long) input + blockTokens - 1) / blockTokens;
        if (blocks > max) {
            return HASH_IDS + " has " + blocks + " blocks but " + INPUT_LENGTH + " " + input + " fills at most " + max
                    + " of " + blockTokens + " tokens";
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
