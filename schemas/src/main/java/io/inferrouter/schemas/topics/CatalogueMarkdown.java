package io.inferrouter.schemas.topics;

import io.inferrouter.schemas.SchemaFiles;
import io.inferrouter.schemas.serde.JsonSerde;
import java.time.Duration;

/**
 * Renders the topic catalogue as the Markdown table in README.md; a test keeps the README equal to it.
 * Run {@code main} to print the table after changing {@link Topics}.
 */
public final class CatalogueMarkdown {

    private CatalogueMarkdown() {
    }

    public static String render() {
        StringBuilder b = new StringBuilder();
        b.append("| topic | key | value (schema file) | partitions | cleanup | retention | what |\n");
        b.append("|---|---|---|---|---|---|---|\n");
        for (Topic<?, ?> t : Topics.all()) {
            b.append("| `").append(t.name()).append("` | `").append(cell(t.keyFormat())).append("` | ")
                    .append(value(t)).append(" | ").append(t.partitions()).append(" | ")
                    .append(t.cleanup().config()).append(" | ").append(retention(t)).append(" | ")
                    .append(cell(t.description())).append(" |\n");
        }
        return b.toString();
    }

    /** A pipe inside a Markdown table cell, even inside a code span, must be escaped. */
    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    private static String value(Topic<?, ?> t) {
        if (t.valueSerde() instanceof JsonSerde<?> json) {
            return json.type().getSimpleName() + " (`" + SchemaFiles.fileOf(json.type()) + "`)";
        }
        return "raw bytes of the unreadable record";
    }

    private static String retention(Topic<?, ?> t) {
        String kept = t.retention() == null ? "forever" : duration(t.retention());
        return t.minCompactionLag() == null ? kept
                : kept + "; every version for " + duration(t.minCompactionLag());
    }

    private static String duration(Duration d) {
        long minutes = d.toMinutes();
        if (minutes % 60 != 0) {
            return minutes + " min";
        }
        long hours = minutes / 60;
        return hours % 24 == 0 ? hours / 24 + " d" : hours + " h";
    }

    public static void main(String[] args) {
        System.out.print(render());
    }
}
