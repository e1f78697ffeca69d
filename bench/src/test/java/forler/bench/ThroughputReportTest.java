package forler.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ThroughputReport} on a small JMH JSON written by hand: flops per step, GFLOP/s and the shares of both peaks. */
class ThroughputReportTest {
    private static String run(String benchmark, String params, double score, double gflop) {
        return "{\"benchmark\": \"forler.bench." + benchmark + "\", \"mode\": \"thrpt\", \"threads\": 1" + params
                + ", \"primaryMetric\": {\"score\": " + score + ", \"scoreError\": 1.0, \"scoreUnit\": \"ops/s\", \"rawData\": [[" + score + "]]}"
                + ", \"secondaryMetrics\": {\"gflop\": {\"score\": " + gflop + ", \"scoreError\": \"NaN\", \"scoreUnit\": \"ops/s\", "
                + "\"rawData\": [[" + gflop + "]]}}}";
    }

    private static final String CQL = ", \"params\": {\"algo\": \"cql\", \"batch\": \"256\", \"dims\": \"pendulum\", \"hidden\": \"64\"}";
    private static final String SACN = ", \"params\": {\"algo\": \"sacn12\", \"batch\": \"256\", \"dims\": \"pendulum\", \"hidden\": \"64\"}";

    @Test
    void tableHasFlopsPerStepAndSharesOfBothPeaks(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("r.json");
        Files.writeString(json, "[" + run("TrainStepBench.step", SACN, 4.0, 1.0) + ", " + run("TrainStepBench.step", CQL, 10.0, 5.0)
                + ", " + run("PeakBench.peakFmaAllCores", "", 2.0, 200.0) + ", " + run("PeakBench.peakFma", "", 1.0, 100.0) + "]");
        List<JmhResults.Run> runs = JmhResults.read(json);
        List<ThroughputReport.Row> rows = ThroughputReport.rows(runs);
        assertEquals(List.of("cql", "sacn12"), rows.stream().map(ThroughputReport.Row::algo).toList()); // the parameter's order
        assertEquals(0.5, rows.get(0).gflopPerStep(), 1e-12);
        assertEquals(0.25, rows.get(1).gflopPerStep(), 1e-12);
        ThroughputReport.Peak peak = ThroughputReport.peak(runs);
        assertEquals(200.0, peak.allCores());
        assertEquals(100.0, peak.oneThread());
        String table = ThroughputReport.table(rows, peak);
        assertTrue(table.contains("| cql | pendulum | 64 | 256 | 10.00 | 1.00 | 0.5000 | 5.00 | 2.5% | 5.0% |"), table);
        assertTrue(table.contains("| sacn12 | pendulum | 64 | 256 | 4.00 | 1.00 | 0.2500 | 1.00 | 0.5% | 1.0% |"), table);
    }

    @Test
    void aMissingPeakIsNaNAndAMissingCounterIsNamed(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("r.json");
        Files.writeString(json, "[" + run("TrainStepBench.step", CQL, 10.0, 5.0).replace("gflop", "other") + "]");
        List<JmhResults.Run> runs = JmhResults.read(json);
        assertTrue(Double.isNaN(ThroughputReport.peak(runs).allCores()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ThroughputReport.rows(runs));
        assertTrue(e.getMessage().contains("no counter 'gflop'"), e.getMessage());
    }
}
