package dev.weir.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The run's figures as markdown, written whether the run passes or not. Not thread-safe. */
final class Report {
    private final StringBuilder text = new StringBuilder();

    /** Adds a heading. */
    Report section(String title) {
        text.append("\n## ").append(title).append("\n\n");
        return this;
    }

    /** Adds a paragraph line. */
    Report line(String line) {
        text.append(line).append('\n');
        return this;
    }

    /** Adds a table. */
    Report table(List<String> header, List<List<String>> rows) {
        text.append("\n| ").append(String.join(" | ", header)).append(" |\n|");
        header.forEach(h -> text.append(" --- |"));
        text.append('\n');
        for (List<String> row : rows) {
            text.append("| ").append(String.join(" | ", row.stream().map(c -> c.replace("|", "\\|").replace("\n", " ")).toList())).append(" |\n");
        }
        text.append('\n');
        return this;
    }

    /** Writes the report, under {@code title}. */
    void write(Path file, String title) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, "# " + title + "\n" + text);
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
