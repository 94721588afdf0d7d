package dev.weir.stack;

import kafka.tools.StorageTool;

/**
 * Formats the KRaft storage if needed, then runs the broker, in one JVM (saves the start-up of a
 * second JVM for the format step). Arguments: {@code <cluster id> <server.properties> [format options…]},
 * e.g. {@code --add-scram SCRAM-SHA-512=[name=weir,password=…]} for the secured broker's users.
 */
public final class KafkaServerMain {

    private KafkaServerMain() {
    }

    /**
     * @param args cluster id to format with (ignored when already formatted) and the server properties file
     */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("Usage: KafkaServerMain <cluster id> <server.properties> [format options...]");
            Runtime.getRuntime().halt(2);
        }
        java.util.List<String> format = new java.util.ArrayList<>(java.util.List.of("format", "-t", args[0], "-c", args[1],
                "--ignore-formatted"));
        format.addAll(java.util.Arrays.asList(args).subList(2, args.length));
        int formatted = StorageTool.execute(format.toArray(String[]::new), System.out);
        if (formatted != 0) {
            System.err.println("weir: formatting the Kafka storage failed with exit code " + formatted);
            Runtime.getRuntime().halt(formatted);
        }
        kafka.Kafka.main(new String[] {args[1]});
    }
}
