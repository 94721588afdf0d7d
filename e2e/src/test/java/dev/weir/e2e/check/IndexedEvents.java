package dev.weir.e2e.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weir.e2e.traffic.SentEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every accepted event exactly once in Elasticsearch: the documents of the run (all {@code logs-*} data streams,
 * {@code labels.run}) against the ledger, by {@code labels.seq} and by {@code event.id}.
 *
 * @param accepted   events the agent accepted
 * @param documents  documents of the run
 * @param missing    accepted events without a document (by seq)
 * @param duplicated seqs with more than one document, and how many
 * @param unexpected seqs of documents the ledger does not know
 * @param wrongIds   seqs whose document's {@code event.id} is not the one the agent gives that line
 * @param perPhase   documents per phase
 */
public record IndexedEvents(int accepted, long documents, List<String> missing, Map<String, Integer> duplicated, List<String> unexpected,
                            List<String> wrongIds, Map<String, Long> perPhase) {

    /** Index pattern of every data stream of log and request events. */
    public static final String INDICES = "logs-*";

    /** @return whether every accepted event is in Elasticsearch once, and nothing else of the run is */
    public boolean exactlyOnce() {
        return missing.isEmpty() && duplicated.isEmpty() && unexpected.isEmpty() && wrongIds.isEmpty();
    }

    /**
     * Reads every document of the run and compares.
     *
     * @param search   Elasticsearch
     * @param run      the run marker
     * @param accepted the ledger's accepted events
     */
    public static IndexedEvents check(Search search, String run, List<SentEvent> accepted) throws Exception {
        search.refresh();
        Map<String, Integer> seqs = new HashMap<>();
        Map<String, String> ids = new HashMap<>();
        Map<String, Long> perPhase = new TreeMap<>();
        long[] documents = {0};
        search.scroll(INDICES, Search.term("labels.run", run), List.of("event.id", "labels.seq", "labels.phase"), hit -> {
            JsonNode source = hit.path("_source");
            String seq = Json.text(source, "labels.seq");
            documents[0]++;
            seqs.merge(seq, 1, Integer::sum);
            ids.put(seq, Json.text(source, "event.id"));
            perPhase.merge(String.valueOf(Json.text(source, "labels.phase")), 1L, Long::sum);
        });
        List<String> missing = new ArrayList<>();
        List<String> wrongIds = new ArrayList<>();
        Map<String, SentEvent> bySeq = new HashMap<>();
        for (SentEvent e : accepted) {
            bySeq.put(e.seq(), e);
            if (!seqs.containsKey(e.seq())) {
                missing.add(e.seq());
            } else if (e.id() != null && !e.id().equals(ids.get(e.seq()))) {
                wrongIds.add(e.seq() + " (" + ids.get(e.seq()) + ", expected " + e.id() + ")");
            }
        }
        Map<String, Integer> duplicated = new TreeMap<>();
        List<String> unexpected = new ArrayList<>();
        seqs.forEach((seq, n) -> {
            if (n > 1) {
                duplicated.put(seq, n);
            }
            if (!bySeq.containsKey(seq)) {
                unexpected.add(seq);
            }
        });
        missing.sort(null);
        unexpected.sort(null);
        return new IndexedEvents(accepted.size(), documents[0], missing, duplicated, unexpected, wrongIds, perPhase);
    }
}
