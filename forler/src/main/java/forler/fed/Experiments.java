package forler.fed;

import forler.data.Dataset;
import forler.data.DatasetBuilder;
import forler.io.AtomicFiles;
import forler.io.Plots;
import forler.io.RunLog;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The paper's experiments (paper §V; docs/design.md §Experiments, E1–E7) at this machine's scale. Each is a grid of {@link Federation} runs
 * (variant × seed); a run's score is the mean normalised score of its last 3 evaluations, and a variant's is the
 * mean ± std over seeds, for three policies: the global one, the devices' local ones (all devices), and the local ones
 * of the devices whose data is not {@code random} ({@code local_good_*}; the device side of E5, where the paper's
 * Fig. 4a asks whether random peers degrade the good devices' own policies). Writes {@code summary.csv/json},
 * {@code variants.csv}, {@code <id>.png} (global score) and {@code <id>-local.png} (good devices' local score) and every
 * run's {@code rounds.csv} under the output folder; runs already complete there are not run again, so a killed
 * experiment continues where it stopped.
 */
public final class Experiments {
    /** One cell of an experiment: a label, the x value plotted, the series it belongs to, and its options. */
    record Variant(String series, String label, double x, Federation.Options options) {}

    private final Federation.Options base;
    private final List<String> tasks;
    private final int seeds;
    private final Path out;
    private final Function<DatasetBuilder.Request, Dataset> datasets;
    private final PrintStream log;

    /**
     * @param base  defaults of every run (task, scale, hyper-parameters); each experiment varies some of them
     * @param tasks the tasks of E1
     */
    public Experiments(Federation.Options base, List<String> tasks, int seeds, Path out,
                       Function<DatasetBuilder.Request, Dataset> datasets, PrintStream log) {
        this.base = base;
        this.tasks = tasks;
        this.seeds = seeds;
        this.out = out;
        this.datasets = datasets;
        this.log = log;
    }

    /** Runs experiment {@code id} (e1 … e7) and returns its summary rows. */
    public List<Map<String, Double>> run(String id) throws Exception {
        List<Variant> grid = grid(id);
        Path dir = out.resolve(id);
        Files.createDirectories(dir.resolve("runs"));
        RunLog summary = new RunLog(dir, "summary").info("experiment", id).info("seeds", seeds)
                .info("rounds", base.rounds()).info("local_steps", base.localSteps()).info("size", base.perDevice())
                .info("hidden", base.hidden()).info("score", "normalised score, mean of the last 3 evaluations, mean ± std over seeds");
        Map<String, List<double[]>> series = new LinkedHashMap<>(); // series → (x, global mean, std, good local mean, std)
        StringBuilder labels = new StringBuilder("variant,series,label\n");
        int v = 0;
        for (Variant var : grid) {
            double[] g = new double[seeds], l = new double[seeds], lg = new double[seeds], qe = new double[seeds], wall = new double[seeds];
            for (int s = 0; s < seeds; s++) {
                Path runDir = dir.resolve("runs").resolve(var.label() + "-s" + s);
                List<Map<String, Double>> rows = runOnce(forSeed(var.options(), runDir, s), runDir);
                g[s] = tailMean(rows, "global_score");
                l[s] = tailMean(rows, "local_score_mean");
                lg[s] = tailMean(goodLocal(rows, var.options()), "local_good");
                qe[s] = tailMean(rows, "device_q_evals_per_state");
                wall[s] = rows.get(rows.size() - 1).get("wall_s") / rows.size();
            }
            Map<String, Double> row = new LinkedHashMap<>();
            row.put("variant", (double) v);
            row.put("x", var.x());
            row.put("global_mean", mean(g));
            row.put("global_std", std(g));
            row.put("local_mean", mean(l));
            row.put("local_std", std(l));
            row.put("local_good_mean", mean(lg));
            row.put("local_good_std", std(lg));
            if (!Double.isNaN(mean(qe))) row.put("q_evals_per_state_step", mean(qe));
            row.put("wall_s_per_round", mean(wall));
            summary.add(row);
            labels.append(v).append(',').append(var.series()).append(',').append(var.label()).append('\n');
            series.computeIfAbsent(var.series(), k -> new ArrayList<>()).add(new double[] {var.x(), mean(g), std(g), mean(lg), std(lg)});
            log.printf("%s %-28s global %.1f ± %.1f, local %.1f ± %.1f, good devices' local %.1f ± %.1f%n", id, var.label(),
                    mean(g), std(g), mean(l), std(l), mean(lg), std(lg));
            v++;
        }
        if (id.equals("e5")) logKept(summary.rows(), grid);
        AtomicFiles.writeString(dir.resolve("variants.csv"), labels.toString());
        String title = id.toUpperCase() + ": " + title(id) + " (" + seeds + " seeds)";
        Plots.line(dir.resolve(id + ".png"), title, xLabel(id), "normalised score (global)", plotSeries(series, 1));
        Plots.line(dir.resolve(id + "-local.png"), title, xLabel(id), "normalised score (local, devices without random data)",
                plotSeries(series, 3));
        return summary.rows();
    }

    private List<Variant> grid(String id) {
        return switch (id) {
            case "e1" -> e1();
            // E2, E3: the paper's Figs. 4b and 5a compare FORLER with FEDORA; Fed-CQL is FORLER's CQL base without its own parts
            case "e2" -> sweep("devices", List.of(2.0, 4.0, 6.0), List.of("forler", "fedcql", "fedora"), (o, v) -> o.withDevices((int) (double) v));
            case "e3" -> sweep("size", List.of(1000.0, 2500.0, 5000.0), List.of("forler", "fedcql", "fedora"), (o, v) -> o.withPerDevice((int) (double) v));
            case "e4" -> e4();
            case "e5" -> e5();
            case "e6" -> e6();
            case "e7" -> e7();
            default -> throw new IllegalArgumentException("unknown experiment '" + id + "': choose e1, e2, e3, e4, e5, e6 or e7");
        };
    }

    /** Every run of experiment {@code id}: its folder and its options (as {@link #run} makes them). */
    Map<Path, Federation.Options> runs(String id) {
        Map<Path, Federation.Options> m = new LinkedHashMap<>();
        for (Variant var : grid(id))
            for (int s = 0; s < seeds; s++) {
                Path runDir = out.resolve(id).resolve("runs").resolve(var.label() + "-s" + s);
                m.put(runDir, forSeed(var.options(), runDir, s));
            }
        return m;
    }

    /** One plot series per experiment series: x, and the mean and std found at {@code col}, {@code col + 1}. */
    private static List<Plots.Series> plotSeries(Map<String, List<double[]>> series, int col) {
        List<Plots.Series> ps = new ArrayList<>();
        series.forEach((name, pts) -> ps.add(new Plots.Series(name, pts.stream().mapToDouble(p -> p[0]).toArray(),
                pts.stream().mapToDouble(p -> p[col]).toArray(), pts.stream().mapToDouble(p -> p[col + 1]).toArray())));
        return ps;
    }

    /**
     * A run found in {@code runDir} is reused (complete) or resumed (killed) only when the settings its rounds.json
     * records equal {@code o}'s and its R; a run made with other settings is run again from round 0.
     */
    /** What a run's rounds.json must record for the run to be reused: its settings (as {@link Federation} writes them) and R. */
    static Map<String, String> recordedInfo(Federation.Options o) {
        Map<String, String> m = new LinkedHashMap<>();
        o.settings().forEach((flag, v) -> m.put(Federation.infoKey(flag), v));
        m.put("rounds", Integer.toString(o.rounds()));
        return m;
    }

    private List<Map<String, Double>> runOnce(Federation.Options o, Path runDir) throws Exception {
        Path csv = runDir.resolve("rounds.csv"), json = runDir.resolve("rounds.json");
        boolean resume = false;
        if (Files.exists(csv) && Files.exists(json)) {
            Map<String, String> recorded = RunLog.readInfo(json), requested = recordedInfo(o);
            String differs = requested.keySet().stream().filter(k -> !requested.get(k).equals(recorded.get(k))).findFirst().orElse(null);
            if (differs == null) {
                List<Map<String, Double>> rows = RunLog.readCsv(csv);
                if (rows.size() >= o.rounds()) return rows; // done before, with these settings
                resume = true; // killed: continue it
            } else {
                log.printf("%s: made with %s = %s, not %s: running it again%n", runDir, differs, recorded.get(differs), requested.get(differs));
            }
        }
        if (!resume) for (String f : List.of("rounds.csv", "rounds.json", "checkpoint.safetensors")) Files.deleteIfExists(runDir.resolve(f));
        List<Map<String, Double>> rows = new Federation(o.withResume(resume), datasets, log).run().rows();
        Files.deleteIfExists(runDir.resolve("checkpoint.safetensors")); // large; the rounds are what the results need
        return rows;
    }

    // ------------------------------------------------------------------ the grids

    private static final List<String> ALGOS = List.of("forler", "fedcql", "fedtd3bc", "fedora", "cql");

    private List<Variant> e1() {
        List<Variant> g = new ArrayList<>();
        for (String algo : ALGOS)
            for (int t = 0; t < tasks.size(); t++) {
                Federation.Options o = withTask(base, tasks.get(t)).withAlgo(algo);
                g.add(new Variant(tasks.get(t), algo + "-" + tasks.get(t), ALGOS.indexOf(algo), o));
            }
        return g;
    }

    private List<Variant> e4() {
        List<Variant> g = new ArrayList<>();
        for (double a1 : List.of(0.0, 0.25, 0.5, 1.0)) g.add(new Variant("alpha1 (alpha2=" + base.alpha2() + ")", "alpha1-" + a1, a1, base.withAlpha1((float) a1)));
        for (double a2 : List.of(0.0, 0.1, 0.5, 1.0)) g.add(new Variant("alpha2 (alpha1=" + base.alpha1() + ")", "alpha2-" + a2, a2, base.withAlpha2((float) a2)));
        return g;
    }

    /**
     * Policy pollution: 4 good devices, then the same 4 plus 2 random ones. The server's D_o is drawn from the four
     * good kinds in both arms (unless --server-data says otherwise), so the arms differ only in the devices: pollution
     * reaches FORLER's global policy through the uploaded critics, not through the server's own data.
     */
    private List<Variant> e5() {
        List<String> good = List.of("expert", "medium-expert", "medium", "medium-replay");
        List<String> polluted = new ArrayList<>(good);
        polluted.addAll(List.of("random", "random"));
        List<Variant> g = new ArrayList<>();
        for (String algo : List.of("forler", "fedcql", "fedtd3bc", "fedora")) {
            Federation.Options o = base.serverKinds().isEmpty() ? base.withAlgo(algo).withServerKinds(good) : base.withAlgo(algo);
            g.add(new Variant(algo, algo + "-4good", 4, withData(o, good)));
            g.add(new Variant(algo, algo + "-4good+2random", 6, withData(o, polluted)));
        }
        return g;
    }

    private List<Variant> e6() {
        List<Variant> g = new ArrayList<>();
        for (double d : List.of(1.0, 2.0, 5.0, 10.0, 20.0)) g.add(new Variant("rectification", "delta-" + (int) d, d, withDelta(base, (int) d)));
        for (double d : List.of(1.0, 20.0)) g.add(new Variant("no rectification (alpha1=0)", "norect-" + (int) d, d, withDelta(base, (int) d).withAlpha1(0f)));
        return g;
    }

    /** Overhead: fewer rounds, one seed suffices for counts; wall time per round is logged too. */
    private List<Variant> e7() {
        List<Variant> g = new ArrayList<>();
        for (double d : List.of(1.0, 2.0, 5.0, 10.0, 20.0)) g.add(new Variant("forler", "delta-" + (int) d, d, withDelta(base, (int) d)));
        return g;
    }

    private List<Variant> sweep(String name, List<Double> values, List<String> algos,
                                java.util.function.BiFunction<Federation.Options, Double, Federation.Options> set) {
        List<Variant> g = new ArrayList<>();
        for (String algo : algos) for (double x : values) g.add(new Variant(algo, algo + "-" + name + "-" + (int) x, x, set.apply(base.withAlgo(algo), x)));
        return g;
    }

    // ------------------------------------------------------------------ option edits

    /** E1's tasks: each with its own default depth (2, or 3 for the MuJoCo-size tasks). */
    private static Federation.Options withTask(Federation.Options o, String task) {
        return o.withTask(task).withDepth(Federation.defaultDepth(task));
    }

    /** The devices hold {@code kinds}, one device per kind. */
    private static Federation.Options withData(Federation.Options o, List<String> kinds) {
        return o.withKinds(kinds).withDevices(kinds.size());
    }

    private static Federation.Options withDelta(Federation.Options o, int delta) { return o.withRect(o.rect().withPeriod(delta)); }

    /** Seed {@code seed} of a variant, in {@code runDir}, continued when killed, quiet. */
    private static Federation.Options forSeed(Federation.Options o, Path runDir, int seed) {
        return o.withSeed(seed).withOut(runDir).withResume(true).withQuiet(true);
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Each round's mean local score over the devices whose data kind is not {@code random} (kinds cycle over the
     * devices, as in {@link Federation}), as rows with the one key {@code local_good}; NaN when every device is random.
     */
    static List<Map<String, Double>> goodLocal(List<Map<String, Double>> rows, Federation.Options o) {
        List<Map<String, Double>> out = new ArrayList<>();
        for (Map<String, Double> r : rows) {
            double s = 0;
            int c = 0;
            for (int k = 0; k < o.devices(); k++) {
                Double x = r.get("local_score_" + k);
                if (x != null && !o.kinds().get(k % o.kinds().size()).equals("random")) {
                    s += x;
                    c++;
                }
            }
            out.add(Map.of("local_good", c == 0 ? Double.NaN : s / c));
        }
        return out;
    }

    /** E5's bar: the share of each method's 4-good score that it keeps with the 2 random devices, server and device side. */
    private void logKept(List<Map<String, Double>> rows, List<Variant> grid) {
        for (int i = 0; i + 1 < grid.size(); i += 2) {
            Map<String, Double> clean = rows.get(i), polluted = rows.get(i + 1);
            log.printf("e5 %-8s with 2 random devices keeps %s of its global score and %s of its good devices' local score (bar: 90%%)%n",
                    grid.get(i).series(), kept(clean.get("global_mean"), polluted.get("global_mean")),
                    kept(clean.get("local_good_mean"), polluted.get("local_good_mean")));
        }
    }

    /** {@code polluted / clean} as a percentage; a ratio to a score ≤ 0 means nothing, and says so. */
    static String kept(double clean, double polluted) {
        return clean > 0 ? String.format(java.util.Locale.ROOT, "%.0f%%", 100 * polluted / clean)
                : String.format(java.util.Locale.ROOT, "n/a (%.1f without them)", clean);
    }

    /** The mean of {@code key} over the last 3 rows that have it (with --eval-every, the last 3 evaluations); NaN if none. */
    static double tailMean(List<Map<String, Double>> rows, String key) {
        double s = 0;
        int c = 0;
        for (int i = rows.size() - 1; i >= 0 && c < 3; i--) {
            Double x = rows.get(i).get(key);
            if (x != null && !x.isNaN()) {
                s += x;
                c++;
            }
        }
        return c == 0 ? Double.NaN : s / c;
    }

    static double mean(double[] x) {
        double s = 0;
        for (double v : x) s += v;
        return s / x.length;
    }

    static double std(double[] x) {
        double m = mean(x), s = 0;
        for (double v : x) s += (v - m) * (v - m);
        return x.length > 1 ? Math.sqrt(s / (x.length - 1)) : 0;
    }

    private static String title(String id) {
        return switch (id) {
            case "e1" -> "FORLER vs baselines";
            case "e2" -> "number of devices";
            case "e3" -> "dataset size per device";
            case "e4" -> "alpha1 and alpha2";
            case "e5" -> "policy pollution";
            case "e6" -> "search period delta";
            default -> "rectification overhead";
        };
    }

    private static String xLabel(String id) {
        return switch (id) {
            case "e1" -> "method: 0 forler, 1 fedcql, 2 fedtd3bc, 3 fedora, 4 cql (centralized)";
            case "e2" -> "devices K";
            case "e3" -> "transitions per device";
            case "e4" -> "coefficient value";
            case "e5" -> "devices (4 good, 6 = +2 random)";
            default -> "delta";
        };
    }
}
