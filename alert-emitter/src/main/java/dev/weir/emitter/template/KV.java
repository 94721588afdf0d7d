package dev.weir.emitter.template;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A label or annotation set as Alertmanager's templates see it ({@code template.KV}): fields
 * are the keys (a missing key reads as the empty string) plus the methods
 * {@code SortedPairs}, {@code Names}, {@code Values} and {@code Remove}.
 */
public final class KV implements TemplateObject {
    private final SortedMap<String, String> map;

    public KV(Map<String, String> map) {
        this.map = new TreeMap<>(map);
    }

    /** @return the entries in name order */
    public SortedMap<String, String> map() {
        return map;
    }

    public int size() {
        return map.size();
    }

    @Override
    public Object field(String name) {
        return switch (name) {
            case "SortedPairs" -> (TemplateMethod) args -> sortedPairs();
            case "Names" -> (TemplateMethod) args -> new ArrayList<>(map.keySet());
            case "Values" -> (TemplateMethod) args -> new ArrayList<>(map.values());
            case "Remove" -> (TemplateMethod) this::remove;
            default -> map.getOrDefault(name, "");
        };
    }

    private Pairs sortedPairs() {
        List<Pair> out = new ArrayList<>();
        map.forEach((k, v) -> out.add(new Pair(k, v)));
        return new Pairs(out);
    }

    /** {@code .SortedPairs}: a list of pairs that also has {@code .Names} and {@code .Values}. */
    public static final class Pairs extends java.util.AbstractList<Pair> implements TemplateObject {
        private final List<Pair> pairs;

        Pairs(List<Pair> pairs) {
            this.pairs = List.copyOf(pairs);
        }

        @Override
        public Pair get(int index) {
            return pairs.get(index);
        }

        @Override
        public int size() {
            return pairs.size();
        }

        @Override
        public Object field(String name) {
            return switch (name) {
                case "Names" -> (TemplateMethod) args -> pairs.stream().map(Pair::name).toList();
                case "Values" -> (TemplateMethod) args -> pairs.stream().map(Pair::value).toList();
                default -> throw new TemplateException("can't evaluate field " + name + " in type template.Pairs");
            };
        }
    }

    private KV remove(List<Object> args) {
        if (args.size() != 1 || !(args.get(0) instanceof Collection<?> names)) {
            throw new TemplateException("Remove takes one argument, a list of names");
        }
        TreeMap<String, String> copy = new TreeMap<>(map);
        names.forEach(n -> copy.remove(String.valueOf(n)));
        return new KV(copy);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("map[");
        map.forEach((k, v) -> b.append(b.length() > 4 ? " " : "").append(k).append(':').append(v));
        return b.append(']').toString();
    }

    /** One entry of {@link KV#field(String) SortedPairs}: {@code .Name} and {@code .Value}. */
    public record Pair(String name, String value) implements TemplateObject {
        @Override
        public Object field(String field) {
            return switch (field) {
                case "Name" -> name;
                case "Value" -> value;
                default -> throw new TemplateException("can't evaluate field " + field + " in type template.Pair");
            };
        }
    }
}
