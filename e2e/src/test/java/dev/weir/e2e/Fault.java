package dev.weir.e2e;

/** The faults the chain goes through, one at a time, while traffic flows. */
enum Fault {
    PROCESSOR_KILL("processor", "kill -9 of the processor during an error spike, started again"),
    SINK_KILL("sink", "kill -9 of the sink while it indexes, started again"),
    EMITTER_KILL("emitter", "kill -9 of the emitter once every receiver has a firing alert's notification, started again"),
    AGENT_KILL("agent", "kill -9 of the agent while it takes HTTP and file traffic, started again"),
    BROKER_RESTART("broker", "broker restart (SIGTERM, then started on the same port and data)"),
    ELASTICSEARCH_DOWN("elasticsearch", "Elasticsearch stopped, started again after the outage"),
    SLACK_503("slack", "the Slack stub answers 503 to every request for the outage; the malformed input and the secrets are sent meanwhile");

    private final String id;
    private final String description;

    Fault(String id, String description) {
        this.id = id;
        this.description = description;
    }

    /** @return the phase name ({@code labels.phase}) */
    String id() {
        return id;
    }

    /** @return the service whose error spike runs through this fault */
    String spikeService() {
        return "spike-" + id;
    }

    /** @return what happens */
    String description() {
        return description;
    }
}
