package dev.weir.bench.report;

import java.util.List;
import java.util.Locale;

/** Builds a Markdown document. Not thread-safe. */
public final class Markdown {
    private final StringBuilder text = new StringBuilder();

    /**
     * @param line appended as is, with a newline
     * @return this
     */
    public Markdown line(String line) {
        text.append(line).append('\n');
        return this;
    }

    /**
     * @param format {@link String#format} pattern, root locale
     * @param args   its arguments
     * @return this
     */
    public Markdown linef(String format, Object... args) {
        return line(String.format(Locale.ROOT, format, args));
    }

    /** @return this, after an empty line */
    public Markdown blank() {
        return line("");
    }

    /**
     * @param header column names
     * @param rows   cells, each row as long as the header
     * @return this
     */
    public Markdown table(List<String> header, List<List<String>> rows) {
        line("| " + String.join(" | ", header) + " |");
        line("|" + " --- |".repeat(header.size()));
        for (List<String> row : rows) {
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("Row " + row + " has " + row.size() + " cells; the header has " + header.size());
            }
            line("| " + String.join(" | ", row) + " |");
        }
        return blank();
    }

    /**
     * @param language fence language, e.g. {@code yaml}
     * @param body     the block's content
     * @return this
     */
    public Markdown code(String language, String body) {
        line("```" + language);
        text.append(body.endsWith("\n") ? body : body + "\n");
        return line("```");
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
