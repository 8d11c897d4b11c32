package io.tollgate.core.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The one shared Jackson mapper. Thread-safe; configure nothing on it after start-up. */
public final class Json {

    /**
     * For what clients send and admins post: a duplicated key is refused, so the gateway and the vendor
     * cannot read one request two ways. Checked as the tree is built (a key the object already holds),
     * not by the parser, whose check keeps a second hash set per object (10 % of a request's parse).
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * For what vendors send back (answers, stream events, errors) and what the gateway stored itself.
     * Duplicate-key detection guards requests against being read one way here and another way upstream;
     * on answers it protects nothing and costs a hash set per JSON object (measured: the largest
     * allocation site of a proxied call).
     */
    private static final ObjectMapper ANSWERS = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {}

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    /** Parses bytes into a tree; throws {@link JsonProcessingException} with the location on bad input. */
    public static JsonNode parse(byte[] bytes) throws IOException {
        return MAPPER.readTree(bytes);
    }

    /**
     * What is wrong with a body {@link #parse} refused, for a client's error message: Jackson's own words
     * and, when it knows, the line and column. A limit of the parser (nesting depth, number or string
     * length) has no location; its message names the limit without pointing at Jackson's API.
     */
    public static String problem(JsonProcessingException e) {
        String what = String.valueOf(e.getOriginalMessage())
                .replaceAll(", from `[^`]*`", "")
                .replaceAll(" for `ObjectNode`: not allowed when `[^`]*` enabled", "")
                .replaceAll("Trailing token \\(of type \\w+\\) found after value.*", "Unexpected content after the JSON value")
                .replaceAll("\\[Source: [^;\\]]*; line: (\\d+), column: (\\d+)\\]", "line $1, column $2")
                .replaceAll(": enable `[^`]*` to allow", "")
                .replaceAll("`[^`]*\\.[^`]*`", "a setting");   // anything else naming Jackson's API
        JsonLocation at = e.getLocation();
        return at == null ? what : what + " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    /** Parses an upstream answer, stream event or stored entry into a tree (duplicate keys: the last wins). */
    public static JsonNode parseAnswer(byte[] bytes) throws IOException {
        return ANSWERS.readTree(bytes);
    }

    /** A streaming parser over an upstream answer, for reading a few fields without building a tree. */
    public static JsonParser answerParser(byte[] bytes, int offset, int length) throws IOException {
        return ANSWERS.createParser(bytes, offset, length);
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);   // a tree always serializes; this is a bug if it happens
        }
    }

    public static String string(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
