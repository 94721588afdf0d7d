package dev.weir.common.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Definition files given as one YAML file or a directory of them (rules, probes). */
public final class YamlFiles {
    private YamlFiles() {}

    /**
     * @param path a file, or a directory whose {@code *.yml} / {@code *.yaml} files (not its subdirectories) are read
     * @return file name → text, by name; empty for a directory without such files
     * @throws NoSuchFileException when the path is neither a file nor a directory
     * @throws IOException         when a file cannot be read
     */
    public static Map<String, String> read(Path path) throws IOException {
        Map<String, String> files = new TreeMap<>();
        if (Files.isDirectory(path)) {
            try (Stream<Path> list = Files.list(path)) {
                for (Path p : list.sorted().toList()) {
                    String n = p.getFileName().toString();
                    if (Files.isRegularFile(p) && (n.endsWith(".yml") || n.endsWith(".yaml"))) {
                        files.put(n, Files.readString(p, StandardCharsets.UTF_8));
                    }
                }
            }
        } else if (Files.isRegularFile(path)) {
            files.put(path.getFileName().toString(), Files.readString(path, StandardCharsets.UTF_8));
        } else {
            throw new NoSuchFileException(path.toString());
        }
        return files;
    }
}
