package dev.weir.console.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The samples of a Prometheus text-format scrape ({@code /metrics} of a Weir component): name,
 * labels and value of each line; comments and malformed lines are skipped. Immutable.
 */
public final class PromText {
    /** One sample. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;

    private PromText(List<Sample> samples) {
        this.samples = List.copyOf(samples);
    }

    /** An empty scrape (the component did not answer). */
    public static final PromText EMPTY = new PromText(List.of());

    /**
     * @param text a scrape in Prometheus text format 0.0.4
     * @return its samples
     */
    public static PromText parse(String text) {
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            Sample s = sample(line);
            if (s != null) {
                out.add(s);
            }
        }
        return new PromText(out);
    }

    private static Sample sample(String line) {
        int i = 0;
        int n = line.length();
        while (i < n && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < n && line.charAt(i) == '{') {
            i++;
            while (i < n && line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                if (eq < 0 || eq + 1 >= n || line.charAt(eq + 1) != '"') {
                    return null;
                }
                String key = line.substring(i, eq).strip();
                StringBuilder v = new StringBuilder();
                int j = eq + 2;
                while (j < n && line.charAt(j) != '"') {
                    char c = line.charAt(j);
                    if (c == '\\' && j + 1 < n) {
                        char e = line.charAt(++j);
                        v.append(e == 'n' ? '\n' : e);
                    } else {
                        v.append(c);
                    }
                    j++;
                }
                labels.put(key, v.toString());
                i = j + 1;
                if (i < n && line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        String rest = i < n ? line.substring(i).strip() : "";
        int space = rest.indexOf(' ');
        String value = space < 0 ? rest : rest.substring(0, space);
        try {
            return new Sample(name, labels, Double.parseDouble(value.replace("+Inf", "Infinity").replace("-Inf", "-Infinity")));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** @return the samples named {@code name} */
    public List<Sample> named(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** @return the sum of the finite samples named {@code name}, or null when there are none */
    public Double sum(String name) {
        return sum(name, s -> true);
    }

    /** @return the sum of the finite samples named {@code name} that pass {@code filter}, or null when there are none */
    public Double sum(String name, Predicate<Sample> filter) {
        double total = 0;
        boolean any = false;
        for (Sample s : samples) {
            if (s.name().equals(name) && filter.test(s) && Double.isFinite(s.value())) {
                total += s.value();
                any = true;
            }
        }
        return any ? total : null;
    }

    /** @return the sums of {@code name} by the value of label {@code label}, in first-seen order */
    public Map<String, Double> sumBy(String name, String label) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Sample s : named(name)) {
            if (Double.isFinite(s.value())) {
                out.merge(s.labels().getOrDefault(label, ""), s.value(), Double::sum);
            }
        }
        return out;
    }
}
