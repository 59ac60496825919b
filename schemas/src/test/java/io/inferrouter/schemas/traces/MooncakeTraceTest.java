package io.inferrouter.schemas.traces;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MooncakeTraceTest {

    /** Two lines as Mooncake's published conversation trace has them. */
    private static final String MOONCAKE = """
            {"timestamp": 27482, "input_length": 6955, "output_length": 52, "hash_ids": [46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 2353, 2354]}
            {"timestamp": 30535, "input_length": 6472, "output_length": 26, "hash_ids": [46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 2355, 2356]}
            """;

    private static final String GOOD = "{\"timestamp\": 0, \"input_length\": 600, \"output_length\": 5, \"hash_ids\": [1, 2]}";

    private static List<TraceRequest> read(String text) throws IOException {
        return MooncakeTrace.read(new StringReader(text), "t.jsonl");
    }

    @Test
    void readsMooncakeLines() throws IOException {
        List<TraceRequest> trace = read(MOONCAKE);

        assertThat(trace).hasSize(2);
        TraceRequest first = trace.get(0);
        assertThat(first.timestampMs()).isEqualTo(27482);
        assertThat(first.inputLength()).isEqualTo(6955);
        assertThat(first.outputLength()).isEqualTo(52);
        assertThat(first.hashIds()).containsExactly(46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 2353, 2354);
        assertThat(first.blockTokens()).isEqualTo(MooncakeTrace.BLOCK_TOKENS);
        assertThat(first.model()).isNull();
        assertThat(trace.get(1).hashId(10)).isEqualTo(56);
    }

    @Test
    void readsTheSmallTraceFile() throws IOException, URISyntaxException {
        Path file = Path.of(Objects.requireNonNull(getClass().getResource("/traces/small-mooncake.jsonl")).toURI());

        List<TraceRequest> trace = MooncakeTrace.read(file);

        assertThat(trace).hasSizeBetween(200, 1000);
        assertThat(trace).extracting(TraceRequest::timestampMs).isSorted();
        assertThat(trace).allSatisfy(r -> assertThat(r.blocks())
                .isEqualTo((r.inputLength() + MooncakeTrace.BLOCK_TOKENS - 1) / MooncakeTrace.BLOCK_TOKENS));
        // Shared prefixes: most requests start with a block some earlier request started with.
        Set<Long> firstIds = new HashSet<>();
        long sharing = trace.stream().filter(r -> !firstIds.add(r.hashId(0))).count();
        assertThat(sharing).isGreaterThan(trace.size() / 2);
    }

    @Test
    void unknownFieldsAreIgnoredAndAModelIsKept() throws IOException {
        List<TraceRequest> trace = read("""
                {"timestamp": 5, "input_length": 10, "output_length": 2, "hash_ids": [9], "type": "chat", "extra": {"a": [1]}}
                {"timestamp": 6, "input_length": 10, "output_length": 2, "hash_ids": [9], "model": "llama-3-8b"}
                {"timestamp": 7, "input_length": 10, "output_length": 2, "hash_ids": [9], "model": null}
                """);

        assertThat(trace).extracting(TraceRequest::model).containsExactly(null, "llama-3-8b", null);
        assertThat(trace.get(0).hashIds()).containsExactly(9);
    }

    @Test
    void blankLinesAreSkippedAndStillCounted() throws IOException {
        String text = "\n" + GOOD + "\n   \n\t\n" + GOOD + "\r\n\n";
        assertThat(read(text)).hasSize(2);

        assertThatThrownBy(() -> read("\n\n" + GOOD + "\n\n{\"timestamp\": 1}\n"))
                .isInstanceOf(MalformedTraceException.class)
                .hasMessageStartingWith("t.jsonl line 5: ");
        assertThat(read("")).isEmpty();
    }

    @Test
    void ordersByTimestampKeepingTheFileOrderOfTies() throws IOException {
        List<TraceRequest> trace = read("""
                {"timestamp": 300, "input_length": 1, "output_length": 1, "hash_ids": [1]}
                {"timestamp": 100, "input_length": 1, "output_length": 1, "hash_ids": [2]}
                {"timestamp": 300, "input_length": 1, "output_length": 1, "hash_ids": [3]}
                {"timestamp": 100, "input_length": 1, "output_length": 1, "hash_ids": [4]}
                {"timestamp": 200, "input_length": 1, "output_length": 1, "hash_ids": [5]}
                """);

        assertThat(trace).extracting(r -> r.hashId(0)).containsExactly(2L, 4L, 5L, 1L, 3L);
    }

    @Test
    void fewerIdsThanBlocksAndAnEmptyPromptAreFine() throws IOException {
        List<TraceRequest> trace = read("""
                {"timestamp": 0, "input_length": 2000, "output_length": 1, "hash_ids": [1]}
                {"timestamp": 1, "input_length": 0, "output_length": 1, "hash_ids": []}
                {"timestamp": 2, "input_length": 1024, "output_length": 1, "hash_ids": [1, 2]}
                {"timestamp": 3.6, "input_length": 1, "output_length": 1, "hash_ids": [-7]}
                """);

        assertThat(trace).extracting(TraceRequest::blocks).containsExactly(1, 0, 2, 1);
        assertThat(trace.get(3).timestampMs()).as("fractional ms rounded").isEqualTo(4);
        assertThat(trace.get(3).hashId(0)).isEqualTo(-7);
    }

    @Test
    void anotherBlockSizeChecksIdsAgainstIt() throws IOException {
        String line = "{\"timestamp\": 0, \"input_length\": 40, \"output_length\": 1, \"hash_ids\": [1, 2, 3]}";

        assertThat(MooncakeTrace.read(new StringReader(line), "t", 16).getFirst().blockTokens()).isEqualTo(16);
        assertThatThrownBy(() -> read(line)).hasMessage(
                "t.jsonl line 1: hash_ids has 3 blocks but input_length 40 fills at most 1 of 512 tokens");
        assertThatThrownBy(() -> MooncakeTrace.read(new StringReader(line), "t", 0))
                .hasMessageContaining("block size must be >= 1");
    }

    static Stream<Arguments> badLines() {
        return Stream.of(
                Arguments.of("{\"timestamp\": 0, \"input_length\": 600", "not JSON: "),
                Arguments.of("timestamp,input_length", "not JSON: "),
                Arguments.of("[1, 2, 3]", "not a JSON object: [1, 2, 3]"),
                Arguments.of(GOOD + " " + GOOD, "not JSON: "),
                Arguments.of("{\"input_length\": 600, \"output_length\": 5, \"hash_ids\": [1, 2]}",
                        "missing field \"timestamp\""),
                Arguments.of("{\"timestamp\": 0, \"output_length\": 5, \"hash_ids\": [1, 2]}",
                        "missing field \"input_length\""),
                Arguments.of("{\"timestamp\": 0, \"input_length\": 600, \"hash_ids\": [1, 2]}",
                        "missing field \"output_length\""),
                Arguments.of("{\"timestamp\": 0, \"input_length\": 600, \"output_length\": 5}",
                        "missing field \"hash_ids\""),
                Arguments.of("{\"timestamp\": -1, \"input_length\": 600, \"output_length\": 5, \"hash_ids\": [1, 2]}",
                        "timestamp must be >= 0, was -1"),
                Arguments.of("{\"timestamp\": \"0\", \"input_length\": 600, \"output_length\": 5, \"hash_ids\": [1, 2]}",
                        "timestamp must be a number of ms, was \"0\""),
                Arguments.of("{\"timestamp\": 0, \"input_length\": -600, \"output_length\": 5, \"hash_ids\": []}",
                        "input_length must be >= 0, was -600"),
                Arguments.of("{\"timestamp\": 0, \"input_length\": 600, \"output_length\": -5, \"hash_ids\": [1, 2]}",
                        "output_length must be >= 1, was -5"),
                Arguments.of("{\"timestamp\": 0, \"input_length\": 600, \"output_length\": 0, \"hash_ids\": [1, 2]}",
                        "output_length must be >= 1, was 0"),
                Arguments.of("{\"timestamp\": 0, \"input_length\": 600.5, \"output_length\": 5, \"hash_ids\": [1, 2]}",
                        "input_length must be an integer number of tokens, was 600.5"),
                Arguments.of("{\"timestamp\": 0, \"input_length\": 600, \"output_length\": null, \"hash_ids\": [1, 2]}",
                        "output_length must be an integer number of tokens, was null"),
                Arguments.of("{\"timestamp\": 0, \"input_length\": 9999999999, \"output_length\": 5, \"hash_ids\": []}",
                        "input_length must be an integer number of tokens, was 9999999999"),
                Arguments.of("{\"timestamp\": 0, \"input_length\": 600, \"output_length\": 5, \"hash_ids\": \"1,2\"}",
                        "hash_ids must be an array of integers, was \"1,2\""),
                Arguments.of("{\"timestamp\": 0, \"input_length\": 600, \"output_length\": 5, \"hash_ids\": [1, \"2\"]}",
                        "hash_ids[1] must be an integer, was \"2\""),
                Arguments.of("{\"timestamp\": 0, \"input_length\": 600, \"output_length\": 5, \"hash_ids\": [1, 2.5]}",
                        "hash_ids[1] must be an integer, was 2.5"),
                Arguments.of("{\"timestamp\": 0, \"input_length\": 600, \"output_length\": 5, \"hash_ids\": [[1], 2]}",
                        "hash_ids[0] must be an integer, was [1]"),
                Arguments.of("{\"timestamp\": 0, \"input_length\": 600, \"output_length\": 5, "
                        + "\"hash_ids\": [18446744073709551616]}", "hash_ids[0] must be an integer"),
                Arguments.of("{\"timestamp\": 0, \"input_length\": 600, \"output_length\": 5, \"hash_ids\": [1, 2, 3]}",
                        "hash_ids has 3 blocks but input_length 600 fills at most 2 of 512 tokens"),
                Arguments.of("{\"timestamp\": 0, \"input_length\": 0, \"output_length\": 5, \"hash_ids\": [1]}",
                        "hash_ids has 1 blocks but input_length 0 fills at most 0 of 512 tokens"),
                Arguments.of("{\"timestamp\": 0, \"input_length\": 6, \"output_length\": 5, \"hash_ids\": [1], "
                        + "\"model\": 7}", "model must be a non-blank string, was 7"));
    }

    @ParameterizedTest
    @MethodSource("badLines")
    void aBadLineIsNamedByFileAndLine(String bad, String problem) {
        String text = GOOD + "\n\n" + GOOD + "\n" + bad + "\n" + GOOD + "\n";

        assertThatThrownBy(() -> read(text))
                .isInstanceOfSatisfying(MalformedTraceException.class, e -> {
                    assertThat(e.source()).isEqualTo("t.jsonl");
                    assertThat(e.line()).isEqualTo(4);
                })
                .hasMessageStartingWith("t.jsonl line 4: " + problem);
    }

    @Test
    void aMissingFileIsAnIoErrorNamingIt(@TempDir Path dir) {
        Path missing = dir.resolve("nope.jsonl");

        assertThatThrownBy(() -> MooncakeTrace.read(missing)).isInstanceOf(IOException.class)
                .hasMessageContaining("nope.jsonl");
    }

    @Test
    void aFileNamesItselfInErrors(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, "\uFEFF" + GOOD + "\n{\"timestamp\": 0}\n");

        assertThatThrownBy(() -> MooncakeTrace.read(file)).hasMessageStartingWith(file + " line 2: missing field");
    }

    @Test
    void writtenTracesReadBackTheSame(@TempDir Path dir) throws IOException {
        List<TraceRequest> trace = List.of(
                new TraceRequest(0, null, 1100, 30, new long[] {0, 1, 2}, 512),
                new TraceRequest(250, "m-1", 512, 1, new long[] {0}, 512),
                new TraceRequest(250, null, 0, 7, new long[0], 512),
                new TraceRequest(900, null, 4000, 3, new long[] {Long.MAX_VALUE, -3}, 512));
        Path file = dir.resolve("out.jsonl");

        MooncakeTrace.write(trace, file);
        List<TraceRequest> back = MooncakeTrace.read(file);

        assertThat(Files.readAllLines(file)).hasSize(4).first()
                .isEqualTo("{\"timestamp\":0,\"input_length\":1100,\"output_length\":30,\"hash_ids\":[0,1,2]}");
        assertThat(back).hasSize(trace.size());
        for (int i = 0; i < trace.size(); i++) {
            assertThat(view(back.get(i))).isEqualTo(view(trace.get(i)));
        }
    }

    @Test
    void theWriterRefusesWhatTheReaderWouldRefuse() {
        StringWriter out = new StringWriter();
        List<TraceRequest> tooMany = List.of(new TraceRequest(0, null, 10, 1, new long[] {1}, 512),
                new TraceRequest(1, null, 10, 1, new long[] {1, 2}, 512));
        List<TraceRequest> negative = List.of(new TraceRequest(-5, null, 10, 1, new long[] {1}, 512));

        assertThatThrownBy(() -> MooncakeTrace.write(tooMany, out))
                .hasMessage("request 1: hash_ids has 2 blocks but input_length 10 fills at most 1 of 512 tokens");
        assertThatThrownBy(() -> MooncakeTrace.write(negative, out)).hasMessage("request 0: timestamp must be >= 0, was -5");
    }

    /** A request's components with the ids as a list, since a record compares arrays by identity. */
    private static Map<String, Object> view(TraceRequest r) {
        Map<String, Object> m = new HashMap<>();
        m.put("timestampMs", r.timestampMs());
        m.put("model", r.model());
        m.put("inputLength", r.inputLength());
        m.put("outputLength", r.outputLength());
        m.put("hashIds", Arrays.stream(r.hashIds()).boxed().toList());
        m.put("blockTokens", r.blockTokens());
        return m;
    }
}
