package forler.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLogTest {
    static Map<String, Double> row(Object... kv) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], (Double) kv[i + 1]);
        return m;
    }

    /** The files a fresh log writes for these rows: the reference for a log that reuses what earlier flushes rendered. */
    static List<String> fresh(Path dir, List<Map<String, Double>> rows) throws Exception {
        RunLog log = new RunLog(dir, "rounds").info("seed", 3);
        log.restore(rows);
        log.flush();
        return List.of(Files.readString(dir.resolve("rounds.csv")), Files.readString(dir.resolve("rounds.json")));
    }

    @Test
    void rowsChangedOrReorderedAfterAFlushAndNewColumnsAreWrittenAsAFreshLogWritesThem(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a");
        RunLog log = new RunLog(a, "rounds").info("seed", 3);
        log.add(row("round", 0.0, "score", 1.5, "wall_s", Double.NaN));
        log.add(row("round", 1.0, "score", 2.25, "wall_s", 0.5));
        log.rows().get(1).put("wall_s", 0.75);                       // the last row edited after its flush (checkpoint_s)
        log.flush();
        assertEquals(fresh(dir.resolve("f1"), log.rows()), List.of(Files.readString(a.resolve("rounds.csv")), Files.readString(a.resolve("rounds.json"))));
        log.add(row("round", 2.0, "score", 3.0, "wall_s", 1.0, "q_evals", 7.0)); // a new column: every CSV line gains a cell
        assertEquals(fresh(dir.resolve("f2"), log.rows()), List.of(Files.readString(a.resolve("rounds.csv")), Files.readString(a.resolve("rounds.json"))));
        Map<String, Double> first = log.rows().get(0);                 // same values, another key order: the JSON object changes
        log.rows().set(1, row("score", 2.25, "round", 1.0, "wall_s", 0.75));
        log.flush();
        List<String> want = fresh(dir.resolve("f3"), log.rows());
        assertEquals(want, List.of(Files.readString(a.resolve("rounds.csv")), Files.readString(a.resolve("rounds.json"))));
        assertEquals(true, want.get(1).contains("{\"score\": 2.25000, \"round\": 1"), want.get(1));
        log.restore(List.of(first));                                   // --resume: fewer rows than were rendered
        log.flush();
        assertEquals(fresh(dir.resolve("f4"), log.rows()), List.of(Files.readString(a.resolve("rounds.csv")), Files.readString(a.resolve("rounds.json"))));
    }

    @Test
    void aLogReadBackForResumeIsWrittenAgainAsTheSameText(@TempDir Path dir) throws Exception {
        // 62.00000001: a float count divided (q-evaluations per state), 1234567.8: a large wall time, both written
        // before as "62.0000" and "1.23457e+06" and rewritten as "62" and "1234570" on every --resume
        RunLog log = new RunLog(dir, "rounds");
        log.add(row("round", 0.0, "q", 62.00000001, "wall_s", 1234567.8, "loss", 0.000123456789, "score", Double.NaN));
        log.add(row("round", 1.0, "q", -3.99999999, "wall_s", 2.5e-7, "loss", 1e20, "score", 97.25));
        String csv = Files.readString(dir.resolve("rounds.csv")), json = Files.readString(dir.resolve("rounds.json"));
        assertEquals("round,q,wall_s,loss,score\n0,62,1234570,0.000123457,NaN\n1,-4,2.50000e-07,1.00000e+20,97.2500\n", csv);
        RunLog again = new RunLog(dir, "rounds");
        again.restore(RunLog.readCsv(dir.resolve("rounds.csv")));
        again.flush();
        assertEquals(csv, Files.readString(dir.resolve("rounds.csv")));
        assertEquals(json, Files.readString(dir.resolve("rounds.json")));
    }
}
