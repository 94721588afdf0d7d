package dev.weir.sink.bulk;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.sink.document.IndexDoc;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.RestClient;

/**
 * The {@code _bulk} API on the wire: writes the NDJSON body itself (one buffer: action line,
 * the document's bytes as they are, newline) and reads back, with {@code filter_path}, only what
 * the indexer looks at. The typed client would build several objects and a JSON generator per
 * operation and parse every item's full answer ({@code _shards}, {@code _version}, ...); on a
 * machine where Elasticsearch needs every CPU cycle, that difference is throughput.
 *
 * <p>Thread-safe (the REST client is).
 */
public final class BulkEndpoint {
    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper TREES = new ObjectMapper();
    private static final ContentType NDJSON = ContentType.create("application/x-ndjson", StandardCharsets.UTF_8);
    private static final String FILTER = "items.*._index,items.*.status,items.*._seq_no,items.*._primary_term,items.*.error";
    private static final byte[] ID = bytes("\",\"_id\":\"");
    private static final byte[] END_CREATE = bytes("\"}}\n");
    private static final int ERROR_DEPTH = 3;

    private final RestClient rest;

    /** @param rest the cluster's low-level client */
    public BulkEndpoint(RestClient rest) {
        this.rest = Objects.requireNonNull(rest, "rest");
    }

    /**
     * One document's answer.
     *
     * @param status      HTTP status of the item
     * @param index       the concrete index it went to (a backing index for a data stream)
     * @param seqNo       its sequence number when written, else -1
     * @param primaryTerm its primary term when written, else -1
     * @param errorType   Elasticsearch's error type, or {@code null}
     * @param errorReason the error's reason and causes, or {@code null}
     */
    public record Item(int status, String index, long seqNo, long primaryTerm, String errorType, String errorReason) {
        /** @return whether the document was written (2xx) */
        public boolean written() {
            return status >= 200 && status < 300;
        }
    }

    /**
     * {@code create}s each document with its {@code _id}.
     *
     * @param docs the documents, at least one
     * @return one answer per document, in order
     * @throws IOException when the request fails as a whole (unreachable, timeout, non-2xx status)
     */
    public List<Item> create(List<IndexDoc> docs) throws IOException {
        long size = 0;
        for (IndexDoc d : docs) {
            size += d.json().length + d.target().length() + d.id().length() + 40L;
        }
        Body body = new Body((int) Math.min(Integer.MAX_VALUE - 16, size));
        Map<String, byte[]> prefixes = new HashMap<>(4);
        for (IndexDoc d : docs) {
            body.write(prefixes.computeIfAbsent(d.target(), t -> bytes("{\"create\":{\"_index\":\"" + quoted(t))));
            body.write(ID);
            body.write(quotedUtf8(d.id()));
            body.write(END_CREATE);
            body.write(d.json());
            body.write('\n');
        }
        return send(body, docs.size());
    }

    /**
     * One written version of a document.
     *
     * @param index       the concrete index
     * @param id          the document's {@code _id}
     * @param seqNo       its sequence number
     * @param primaryTerm its primary term
     */
    public record Version(String index, String id, long seqNo, long primaryTerm) {
    }

    /**
     * Deletes exactly these versions: a document written again since answers 409 instead.
     *
     * @param versions what to delete, at least one
     * @return one answer per version, in order
     * @throws IOException when the request fails as a whole
     */
    public List<Item> delete(List<Version> versions) throws IOException {
        Body body = new Body(160 * versions.size());
        for (Version v : versions) {
            body.write(bytes("{\"delete\":{\"_index\":\"" + quoted(v.index()) + "\",\"_id\":\"" + quoted(v.id())
                    + "\",\"if_seq_no\":" + v.seqNo() + ",\"if_primary_term\":" + v.primaryTerm() + "}}\n"));
        }
        return send(body, versions.size());
    }

    private List<Item> send(Body body, int expected) throws IOException {
        Request request = new Request("POST", "/_bulk");
        request.addParameter("filter_path", FILTER);
        request.setEntity(new ByteArrayEntity(body.bytes, 0, body.length, NDJSON));
        Response response = rest.performRequest(request);
        List<Item> items;
        try (InputStream in = response.getEntity().getContent()) {
            items = parse(in, expected);
        }
        if (items.size() != expected) {
            throw new IllegalStateException("Elasticsearch answered " + items.size() + " items for a bulk of " + expected);
        }
        return items;
    }

    static List<Item> parse(InputStream in, int expected) throws IOException {
        List<Item> items = new ArrayList<>(expected);
        try (JsonParser p = JSON.createParser(in)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (!field.equals("items")) {
                    p.skipChildren();
                    continue;
                }
                expect(p.currentToken(), JsonToken.START_ARRAY);
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    p.nextToken(); // the operation's name
                    expect(p.nextToken(), JsonToken.START_OBJECT);
                    items.add(item(p));
                    expect(p.nextToken(), JsonToken.END_OBJECT);
                }
            }
        }
        return items;
    }

    private static Item item(JsonParser p) throws IOException {
        int status = 0;
        String index = null;
        long seqNo = -1;
        long primaryTerm = -1;
        String[] error = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            p.nextToken();
            switch (f) {
                case "status" -> status = p.getIntValue();
                case "_index" -> index = p.getText();
                case "_seq_no" -> seqNo = p.getLongValue();
                case "_primary_term" -> primaryTerm = p.getLongValue();
                case "error" -> error = error(p);
                default -> p.skipChildren();
            }
        }
        return new Item(status, index, seqNo, primaryTerm, error == null ? null : error[0], error == null ? null : error[1]);
    }

    /** @return type and "reason; caused by type: reason; ..." of an error (rare: read as a tree) */
    private static String[] error(JsonParser p) throws IOException {
        JsonNode e = TREES.readTree(p);
        if (!e.isObject()) {
            return new String[] {"unknown", e.asText()};
        }
        StringBuilder text = new StringBuilder(e.path("reason").asText("null"));
        JsonNode cause = e.path("caused_by");
        for (int depth = 0; cause.isObject() && depth < ERROR_DEPTH; depth++, cause = cause.path("caused_by")) {
            text.append("; caused by ").append(cause.path("type").asText("unknown")).append(": ")
                    .append(cause.path("reason").asText("null"));
        }
        return new String[] {e.path("type").asText("unknown"), text.toString()};
    }

    private static void expect(JsonToken actual, JsonToken wanted) throws IOException {
        if (actual != wanted) {
            throw new IOException("Unexpected answer to _bulk: " + actual + " where " + wanted + " belongs");
        }
    }

    private static String quoted(String s) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(s));
    }

    private static byte[] quotedUtf8(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                return JsonStringEncoder.getInstance().quoteAsUTF8(s);
            }
        }
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A growing byte buffer without the locking of {@code ByteArrayOutputStream}. */
    private static final class Body {
        byte[] bytes;
        int length;

        Body(int capacity) {
            bytes = new byte[Math.max(capacity, 64)];
        }

        void write(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, bytes, length, b.length);
            length += b.length;
        }

        void write(int b) {
            ensure(1);
            bytes[length++] = (byte) b;
        }

        private void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }
    }
}
