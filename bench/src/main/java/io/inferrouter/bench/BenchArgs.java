package io.inferrouter.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A benchmark's command line, read against the options the benchmark declares: {@code --name value}
 * options and flags. Declaring them is what lets {@code ./dev bench <name> --help} list every option
 * with its default without starting anything, and what makes a mistyped option an error at once
 * rather than something a run of several minutes silently ignores.
 */
public final class BenchArgs {

    /** The flag that switches the options that have one to their {@linkplain Option#quickFallback quick default}. */
    public static final String QUICK = "--quick";

    /**
     * One option a benchmark takes.
     *
     * @param name          {@code --name}
     * @param value         what its value is, for the usage ({@code N}, {@code LIST}, ...); null: a flag, no value
     * @param fallback      the value when the option is absent; null or empty: none, or one the benchmark works
     *                      out itself, which {@code help} then says
     * @param quickFallback the value when the option is absent and {@link #QUICK} is given; null: {@code fallback}
     * @param help          what it does, one line
     */
    public record Option(String name, String value, String fallback, String quickFallback, String help) {

        public Option {
            if (name == null || !name.startsWith("--") || name.length() < 3) {
                throw new IllegalArgumentException("an option's name starts with --, was '" + name + "'");
            }
            if (help == null || help.isBlank()) {
                throw new IllegalArgumentException("option " + name + " needs a help line");
            }
            if (value == null && (fallback != null || quickFallback != null)) {
                throw new IllegalArgumentException("flag " + name + " takes no value, so it has no default");
            }
        }

        /** A flag: present or not. */
        public static Option flag(String name, String help) {
            return new Option(name, null, null, null, help);
        }

        /** {@code name VALUE}, {@code fallback} when absent. */
        public static Option value(String name, String value, String fallback, String help) {
            return new Option(name, value, fallback, null, help);
        }

        /** The same option with another default under {@link #QUICK}. */
        public Option quick(String quickDefault) {
            return new Option(name, value, fallback, quickDefault, help);
        }

        boolean isFlag() {
            return value == null;
        }

        String defaults() {
            if (fallback == null || fallback.isEmpty()) {
                return "";
            }
            return quickFallback == null ? " (default " + fallback + ")"
                    : " (default " + fallback + ", " + quickFallback + " with " + QUICK + ")";
        }
    }

    /** A command line that does not fit the declared options; the message names what is wrong. */
    public static final class BadArgument extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public BadArgument(String message) {
            super(message);
        }
    }

    private final Map<String, Option> declared;
    private final Map<String, String> values;
    private final Set<String> flags;

    private BenchArgs(Map<String, Option> declared, Map<String, String> values, Set<String> flags) {
        this.declared = declared;
        this.values = values;
        this.flags = flags;
    }

    /** Whether the command line asks for help ({@code --help} or {@code -h} anywhere in it). */
    public static boolean wantsHelp(List<String> args) {
        return args.contains("--help") || args.contains("-h");
    }

    /**
     * Reads {@code args} against {@code options}.
     *
     * @throws BadArgument for an option not declared, a value without its option, an option given twice,
     *                     or an option whose value is missing
     */
    public static BenchArgs parse(List<Option> options, List<String> args) {
        Map<String, Option> declared = new LinkedHashMap<>();
        for (Option o : options) {
            if (declared.put(o.name(), o) != null) {
                throw new IllegalArgumentException("option " + o.name() + " declared twice");
            }
        }
        for (Option o : options) {
            if (o.quickFallback() != null && !declared.containsKey(QUICK)) {
                throw new IllegalArgumentException("option " + o.name() + " has a quick default but " + QUICK
                        + " is not declared");
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> flags = new HashSet<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            Option o = declared.get(arg);
            if (o == null) {
                throw new BadArgument(arg.startsWith("-") ? "unknown option '" + arg + "'"
                        : "unexpected argument '" + arg + "' (options are --name value)");
            }
            boolean repeated = o.isFlag() ? !flags.add(arg) : values.containsKey(arg);
            if (repeated) {
                throw new BadArgument(arg + " is given twice");
            }
            if (!o.isFlag()) {
                if (i + 1 >= args.size()) {
                    throw new BadArgument(arg + " needs a value (" + o.value() + ")");
                }
                values.put(arg, args.get(++i));
            }
        }
        return new BenchArgs(declared, values, flags);
    }

    /** The usage of one benchmark: its command line, what it measures, and every option with its default. */
    public static String usage(String benchmark, String about, List<Option> options) {
        StringBuilder b = new StringBuilder("usage: ./dev bench ").append(benchmark)
                .append(options.isEmpty() ? "" : " [options]").append('\n');
        for (String line : about.split("\n")) {
            b.append("  ").append(line).append('\n');
        }
        if (options.isEmpty()) {
            return b.append("  It takes no options.").toString();
        }
        b.append("options:\n");
        int width = options.stream().mapToInt(o -> head(o).length()).max().orElse(0);
        for (Option o : options) {
            b.append("  ").append(String.format("%-" + width + "s", head(o))).append("  ").append(o.help())
                    .append(o.defaults()).append('\n');
        }
        return b.append("  --help, -h").append(" ".repeat(Math.max(2, width - 8))).append("this text").toString();
    }

    private static String head(Option o) {
        return o.isFlag() ? o.name() : o.name() + " " + o.value();
    }

    /** Whether flag {@code name} was given. */
    public boolean flag(String name) {
        if (!declared(name).isFlag()) {
            throw new IllegalArgumentException(name + " takes a value; it is not a flag");
        }
        return flags.contains(name);
    }

    /** The value of {@code name}: as given, else its default ({@code --quick}'s when that was given); may be null. */
    public String string(String name) {
        Option o = declared(name);
        if (o.isFlag()) {
            throw new IllegalArgumentException(name + " is a flag; it has no value");
        }
        String given = values.get(name);
        if (given != null) {
            return given;
        }
        return o.quickFallback() != null && flags.contains(QUICK) ? o.quickFallback() : o.fallback();
    }

    /** Whether {@code name} was given (not defaulted). */
    public boolean given(String name) {
        declared(name);
        return values.containsKey(name) || flags.contains(name);
    }

    /** {@link #string} as a whole number. */
    public int integer(String name) {
        String s = required(name);
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new BadArgument(name + " must be a whole number, was '" + s + "'");
        }
    }

    /** {@link #string} as a number. */
    public double decimal(String name) {
        String s = required(name);
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new BadArgument(name + " must be a number, was '" + s + "'");
        }
    }

    /** {@link #string} split at commas. */
    public List<String> list(String name) {
        return new ArrayList<>(Arrays.asList(required(name).split(",")));
    }

    /** {@link #string} as one of {@code type}'s constants, by name. */
    public <E extends Enum<E>> E choice(String name, Class<E> type) {
        String s = required(name);
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(s.trim())) {
                return e;
            }
        }
        throw new BadArgument(name + " must be one of " + Arrays.toString(type.getEnumConstants()) + ", was '" + s + "'");
    }

    /** {@link #list} of whole numbers. */
    public List<Integer> integers(String name) {
        return list(name).stream().map(s -> {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw new BadArgument(name + " must be whole numbers separated by commas, was '" + string(name) + "'");
            }
        }).toList();
    }

    /** {@link #list} of numbers. */
    public List<Double> decimals(String name) {
        return list(name).stream().map(s -> {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw new BadArgument(name + " must be numbers separated by commas, was '" + string(name) + "'");
            }
        }).toList();
    }

    private String required(String name) {
        String s = string(name);
        if (s == null) {
            throw new IllegalArgumentException(name + " has no default; read it with string() and work one out");
        }
        return s;
    }

    private Option declared(String name) {
        Option o = declared.get(name);
        if (o == null) {
            throw new IllegalArgumentException(name + " is not one of this benchmark's options " + declared.keySet());
        }
        return o;
    }
}
