package io.inferrouter.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A generated block of a Markdown file, between {@code <!-- NAME:begin -->} and
 * {@code <!-- NAME:end -->}; tests read it to keep the README equal to the code.
 */
public final class ReadmeSection {

    private ReadmeSection() {
    }

    /** The block's text, stripped, with one trailing newline. */
    public static String read(Path file, String name) throws IOException {
        String text = Files.readString(file);
        String begin = "<!-- " + name + ":begin -->";
        String end = "<!-- " + name + ":end -->";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalStateException(file + " has no block " + begin + " ... " + end);
        }
        return text.substring(from + begin.length(), to).strip() + "\n";
    }
}
