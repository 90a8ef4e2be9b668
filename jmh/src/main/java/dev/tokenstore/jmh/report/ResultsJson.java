package dev.tokenstore.jmh.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Reads a JMH JSON result file (as written by {@code -rf json} or {@link Compare}) back into {@link Results}. */
final class ResultsJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResultsJson() {
    }

    static Results read(Path file) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        if (!root.isArray()) {
            throw new IllegalArgumentException(file + " is not a JMH JSON result file (expected an array)");
        }
        List<Measurement> out = new ArrayList<>();
        for (JsonNode run : root) {
            JsonNode primary = run.path("primaryMetric");
            Map<String, String> params = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = run.path("params").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                params.put(e.getKey(), e.getValue().asText());
            }
            List<Double> iterations = new ArrayList<>();
            for (JsonNode fork : primary.path("rawData")) {
                for (JsonNode score : fork) {
                    iterations.add(number(score));
                }
            }
            out.add(Results.measurement(run.path("benchmark").asText(), params, run.path("threads").asInt(1),
                    number(primary.path("score")), number(primary.path("scoreError")),
                    primary.path("scoreUnit").asText(), iterations));
        }
        return new Results(out);
    }

    /** JMH writes NaN as the string "NaN". */
    private static double number(JsonNode node) {
        return node.isNumber() ? node.asDouble() : Double.parseDouble(node.asText("NaN"));
    }
}
