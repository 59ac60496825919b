package io.inferrouter.bench;

import java.util.List;

/** The benchmarks' command-line options: {@code --name value}. */
public final class BenchArgs {

    private BenchArgs() {
    }

    /**
     * The value after {@code name}, or {@code fallback} when {@code name} is absent.
     *
     * @throws IllegalArgumentException when {@code name} is the last argument, with no value after it
     */
    public static String option(List<String> args, String name, String fallback) {
        int i = args.indexOf(name);
        if (i < 0) {
            return fallback;
        }
        if (i + 1 >= args.size()) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args.get(i + 1);
    }
}
