package forler.bench;

import forler.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * How close a training step is to the hardware: turns the JMH JSON of one {@code 'TrainStepBench|PeakBench'} run into
 * a table of steps/s, engine-counted GFLOP per step, GFLOP/s and the share of the peaks {@link PeakBench} measured in
 * the same run (docs/throughput.md):
 * <pre>
 * java -cp bench/target/benchmarks.jar forler.bench.ThroughputReport results/bench/throughput.md results/bench/throughput.json
 * </pre>
 * Exits with status 1 when the files hold no {@code TrainStepBench.step} or no {@code PeakBench.peakFmaAllCores}
 * result (a share of a peak from another run would mix two machine states).
 */
public final class ThroughputReport {
    /** One TrainStepBench trial. {@code gflopPerStep}: the engine's count, the ratio of the two rates of one run. */
    record Row(String algo, String dims, int hidden, int batch, double stepsPerSecond, double error, double gflopPerSecond) {
        double gflopPerStep() { return gflopPerSecond / stepsPerSecond; }
    }

    /** The peaks: all cores at once, and one thread. NaN where that benchmark was not run. */
    record Peak(double allCores, double oneThread) {}

    private ThroughputReport() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: ThroughputReport OUT.md RESULT.json... (JMH -rf json of one 'TrainStepBench|PeakBench' run)");
            System.exit(2);
        }
        List<JmhResults.Run> runs = new ArrayList<>();
        for (int a = 1; a < args.length; a++) runs.addAll(JmhResults.read(Path.of(args[a])));
        List<Row> rows = rows(runs);
        Peak peak = peak(runs);
        String files = String.join(" ", List.of(args).subList(1, args.length));
        if (rows.isEmpty()) fail("no TrainStepBench.step results in " + files);
        if (Double.isNaN(peak.allCores())) {
            fail("no PeakBench.peakFmaAllCores result in " + files + ": run both in one command, "
                    + "java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar 'TrainStepBench|PeakBench' -rf json ...");
        }
        String table = table(rows, peak);
        AtomicFiles.writeString(Path.of(args[0]), table);
        System.out.print(table);
        System.out.println("wrote " + args[0]);
    }

    private static void fail(String message) {
        System.err.println("ThroughputReport: " + message);
        System.exit(1);
    }

    static List<Row> rows(List<JmhResults.Run> runs) {
        List<Row> rows = new ArrayList<>();
        for (JmhResults.Run r : runs) {
            if (!r.shortName().equals("TrainStepBench.step")) continue;
            rows.add(new Row(r.param("algo"), r.param("dims"), r.intParam("hidden"), r.intParam("batch"), r.score(), r.error(),
                    r.counter("gflop")));
        }
        rows.sort(Comparator.comparing(Row::dims).thenComparingInt(r -> order(r.algo())).thenComparing(Row::algo)
                .thenComparingInt(Row::hidden).thenComparingInt(Row::batch));
        return rows;
    }

    /** The order of TrainStepBench's {@code algo} parameter; others after it. */
    private static int order(String algo) {
        List<String> known = List.of("cql", "td3bc", "sacn2", "sacn12", "forler-device-d1", "forler-device-d5", "forler-server6");
        int i = known.indexOf(algo);
        return i < 0 ? known.size() : i;
    }

    static Peak peak(List<JmhResults.Run> runs) {
        double all = Double.NaN, one = Double.NaN;
        for (JmhResults.Run r : runs) {
            if (r.shortName().equals("PeakBench.peakFmaAllCores")) all = r.counter("gflop");
            else if (r.shortName().equals("PeakBench.peakFma")) one = r.counter("gflop");
        }
        return new Peak(all, one);
    }

    static String table(List<Row> rows, Peak peak) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Peak (PeakBench, same run): all cores %.1f GFLOP/s; one thread %s GFLOP/s.%n%n",
                peak.allCores(), Double.isNaN(peak.oneThread()) ? "not run" : String.format(Locale.ROOT, "%.1f", peak.oneThread())));
        b.append("| algo | dims | hidden | batch | steps/s | ± (99.9%) | GFLOP/step | GFLOP/s | % of all-core peak | % of 1-thread peak |\n");
        b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.2f | %.2f | %.4f | %.2f | %.1f%% | %s |%n", r.algo(), r.dims(),
                    r.hidden(), r.batch(), r.stepsPerSecond(), r.error(), r.gflopPerStep(), r.gflopPerSecond(),
                    100 * r.gflopPerSecond() / peak.allCores(),
                    Double.isNaN(peak.oneThread()) ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * r.gflopPerSecond() / peak.oneThread())));
        }
        b.append("\nGFLOP/step: the engine's own count (forler.engine.FlopCounter) of one step, averaged over a period of steps; "
                + "GFLOP/s = steps/s × GFLOP/step (JMH's gflop counter). steps/s: JMH's mean score and its 99.9% error.\n");
        return b.toString();
    }
}
