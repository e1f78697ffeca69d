package forler.fed;

import forler.data.Dataset;
import forler.data.DatasetBuilder;
import forler.io.RunLog;
import forler.rl.ActorRectification;
import forler.rl.ForlerServer;
import forler.rl.OfflineTraining;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The paper's experiments (paper §V; docs/design.md §Experiments, E1–E7) at this machine's scale, the harness's ablations,
 * and offline RL alone. Each is a grid of {@link ExperimentCell cells}, {@link FedSimulation} runs or, for {@code offline},
 * {@code forler train} runs (variant × seed), one folder each: {@code <out>/<id>/<task>/<variant>/seed-<S>/} with the run's
 * {@code rounds.csv/json} (or {@code train.csv/json}), and {@code variant.json} in the variant folder (its series and x). Runs already complete there are not run again and a
 * killed one is resumed, so a killed experiment continues where it stopped. A {@link Shard} runs only its share of the
 * cells, so a sweep spreads over a scheduler's job array; the unsharded experiment, and {@code forler report} once every
 * shard is done, write the summary through {@link Summary} (the score of a run: the mean normalised score of its last 3
 * evaluations; of a variant: mean ± std over seeds, for the global, local and good devices' local policies).
 */
public final class Experiments {
    /** One cell of an experiment: a label, the x value plotted, the series it belongs to, and what it runs. */
    record Variant(String series, String label, double x, ExperimentCell cell) {
        /** A federated run with options {@code o}. */
        Variant(String series, String label, double x, FedSimulation.Options o) { this(series, label, x, new ExperimentCell.Federated(o)); }
    }

    /**
     * The offline experiment's grid and scale: its algorithms and dataset kinds (each a subset of {@link #ALGOS} and
     * {@link #KINDS}, in their order), the gradient steps of each {@code forler train} run (evaluated every steps / 5)
     * and the transitions of its medium-replay data (a task's replay buffer may hold fewer than --size).
     */
    public record OfflineGrid(List<String> algos, List<String> kinds, int steps, int replaySize) {
        /** Every algorithm and kind. */
        public static final List<String> ALGOS = List.of("td3bc", "cql"), KINDS = List.of("medium", "medium-replay", "medium-expert");

        public OfflineGrid {
            for (String a : algos) if (!ALGOS.contains(a)) throw new IllegalArgumentException("--algos: unknown '" + a + "': choose from " + String.join(", ", ALGOS));
            for (String k : kinds) if (!KINDS.contains(k)) throw new IllegalArgumentException("--kinds: unknown '" + k + "': choose from " + String.join(", ", KINDS));
            if (algos.isEmpty() || kinds.isEmpty()) throw new IllegalArgumentException("--algos and --kinds must name at least one each");
            if (steps < 5) throw new IllegalArgumentException("--steps must be >= 5 (a run is evaluated every steps / 5), got " + steps);
            if (replaySize < 1) throw new IllegalArgumentException("--replay-size must be >= 1, got " + replaySize);
            algos = ALGOS.stream().filter(algos::contains).toList();
            kinds = KINDS.stream().filter(kinds::contains).toList();
        }
    }

    /**
     * Shard {@code index} of {@code count} (1-based, as {@code --shard i/n}): runs the cells (variant × seed, numbered
     * variant-major from 0) whose number mod {@code count} is {@code index − 1}.
     */
    public record Shard(int index, int count) {
        /** Every cell. */
        public static final Shard ALL = new Shard(1, 1);

        /** {@code i/n} with 1 <= i <= n. */
        public static Shard parse(String spec) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})/(\\d{1,9})").matcher(spec);
            if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(1)) > Integer.parseInt(m.group(2))) {
                throw new IllegalArgumentException("--shard must be i/n with 1 <= i <= n (this process runs share i of n), got '" + spec + "'");
            }
            return new Shard(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }

        boolean has(int cell) { return cell % count == index - 1; }

        boolean all() { return count == 1; }
    }

    private final FedSimulation.Options base;
    private final List<String> tasks;
    private final int seeds;
    private final Path out;
    private final Function<DatasetBuilder.Request, Dataset> datasets;
    private final PrintStream log;
    private final Shard shard;
    private OfflineGrid offline;
    private List<String> only = List.of(); // variant labels to run (--variants); empty = all

    public Experiments(FedSimulation.Options base, List<String> tasks, int seeds, Path out,
                       Function<DatasetBuilder.Request, Dataset> datasets, PrintStream log) {
        this(base, tasks, seeds, out, datasets, log, Shard.ALL);
    }

    /**
     * @param base  defaults of every run (task, scale, hyper-parameters); each experiment varies some of them
     * @param tasks the tasks of E1
     * @param shard the share of the cells this process runs
     */
    public Experiments(FedSimulation.Options base, List<String> tasks, int seeds, Path out,
                       Function<DatasetBuilder.Request, Dataset> datasets, PrintStream log, Shard shard) {
        this.base = base;
        this.tasks = tasks;
        this.seeds = seeds;
        this.out = out;
        this.datasets = datasets;
        this.log = log;
        this.shard = shard;
    }

    /** Sets the offline experiment's grid (default: every algorithm and kind, 10000 steps, medium-replay of --size transitions). */
    public Experiments withOffline(OfflineGrid grid) {
        this.offline = grid;
        return this;
    }

    /** Runs only the variants labelled {@code labels} (as {@code --variants}; empty = every variant). */
    public Experiments withVariants(List<String> labels) {
        this.only = List.copyOf(labels);
        return this;
    }

    /**
     * Runs this shard's cells of experiment {@code id} (e1 … e7); unsharded, then writes the summary and returns its
     * lines (a shard returns none: {@code forler report} merges the shards). With {@link #withVariants} only the named
     * variants run (the cells are numbered over them), and the summary is written by the part that finds every run of
     * the experiment complete in the folder; an earlier part returns none and says what is left.
     */
    public List<Summary.Line> run(String id) throws Exception {
        List<String> labels = grid(id).stream().map(Variant::label).toList();
        Path dir = out.resolve(id);
        List<Variant> chosen = selected(id);
        for (int j = 0; j < chosen.size(); j++) { // every variant with runs in this shard recorded first: `report --progress` lists those not started
            Variant var = chosen.get(j);
            boolean mine = false;
            for (int s = 0; s < seeds; s++) mine |= shard.has(j * seeds + s); // cells are numbered variant by variant, seed by seed
            if (!mine) continue;
            Path vdir = Summary.variantDir(dir, var.cell().task(), var.label());
            Files.createDirectories(vdir);
            Summary.writeVariant(vdir, id, labels.indexOf(var.label()), var.label(), var.series(), var.x(), seeds); // index: the summary's order
        }
        int cell = 0, ran = 0;
        for (Variant var : chosen) {
            Path vdir = Summary.variantDir(dir, var.cell().task(), var.label());
            for (int s = 0; s < seeds; s++, cell++) {
                if (!shard.has(cell)) continue;
                Path runDir = Summary.runDir(vdir, s);
                runOnce(var.cell().forSeed(runDir, s), runDir);
                ran++;
            }
        }
        if (!shard.all()) {
            log.printf("%s shard %d/%d: %d of %d runs done; once every shard is done: forler report %s%n", id, shard.index(), shard.count(),
                    ran, cell, dir);
            return List.of();
        }
        List<String> others = only.isEmpty() ? List.of() : unfinished(id);
        if (!others.isEmpty()) { // a part (--variants) done before the rest: a summary of the finished variants alone would mislead
            log.printf("%s: the runs of %s are done; %d other runs of the experiment are not done yet (%s%s): once they are, forler report %s%n", id,
                    String.join(",", only), others.size(), others.get(0), others.size() > 1 ? ", …" : "", dir);
            return List.of();
        }
        return Summary.report(dir, Summary.Rule.DEFAULT, java.util.EnumSet.allOf(Summary.Policy.class), log);
    }

    /** The runs of experiment {@code id}'s whole grid (every variant, not only --variants) that its folder does not hold complete. */
    private List<String> unfinished(String id) throws IOException {
        List<String> pending = new ArrayList<>();
        for (Variant var : grid(id))
            for (int s = 0; s < seeds; s++) {
                Path csv = Summary.runDir(Summary.variantDir(out.resolve(id), var.cell().task(), var.label()), s).resolve(var.cell().log() + ".csv");
                if (!Files.exists(csv) || !var.cell().complete(RunLog.readCsv(csv))) pending.add(var.label() + " seed " + s);
            }
        return pending;
    }

    /**
     * The settings flags that some variant of {@code id} this process runs sets otherwise than the base options (E1's
     * --algo, E2's --devices, E5's --devices, --data and --server-data, …): an experiment's README must not show the
     * base value of those as if every run had it.
     */
    public Set<String> setPerVariant(String id) {
        Map<String, String> base = this.base.settings();
        Set<String> varied = new LinkedHashSet<>();
        for (Variant var : selected(id))
            if (var.cell() instanceof ExperimentCell.Federated f)
                f.options().settings().forEach((flag, v) -> { if (!v.equals(base.get(flag))) varied.add(flag); });
        return varied;
    }

    /** The labels of the variants of {@code id} this process runs; refuses an unknown name given to {@link #withVariants}. */
    public List<String> chosen(String id) { return selected(id).stream().map(Variant::label).toList(); }

    /** The variants of {@code id} this process runs: every one, or those named by {@link #withVariants} (an unknown name is refused). */
    private List<Variant> selected(String id) {
        List<Variant> grid = grid(id);
        List<String> labels = grid.stream().map(Variant::label).toList();
        for (String l : only) {
            if (!labels.contains(l)) throw new IllegalArgumentException("--variants: " + id + " has no variant '" + l + "'; its variants: " + String.join(", ", labels));
        }
        return only.isEmpty() ? grid : grid.stream().filter(v -> only.contains(v.label())).toList();
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
            // the harness's ablations (docs/design.md §Federation, §Server, §Rectification): one setting, its choices
            case "norm" -> choice("norm", List.of("none", "server", "pooled", "own"), List.of("forler", "fedcql"),
                    (o, v) -> o.withObsNorm(ObsNorm.parse(v)));
            case "omega" -> choice("omega", List.of("averaged", "per-head"), List.of("forler"), (o, v) -> o.withOmegaSPerHead(v.equals("per-head")));
            case "temp" -> choice("temp", List.of("fixed", "spread"), List.of("forler"),
                    (o, v) -> o.withRect(o.rect().withTemperature(ActorRectification.Temperature.parse(v))));
            case "init" -> choice("init", List.of("zero-2", "zero-0.5", "zero-0.25", "policy-0.25"), List.of("forler"),
                    (o, v) -> o.withRect(o.rect().withInit(v.startsWith("policy"), Float.parseFloat(v.substring(v.indexOf('-') + 1)))));
            case "broadcast" -> choice("broadcast", List.of("average", "own", "mix"), List.of("forler"),
                    (o, v) -> o.withBroadcast(ForlerServer.Broadcast.parse(v)));
            case "adversary" -> adversary();
            case "offline" -> offline();
            case "swings" -> swings();
            default -> throw unknown(id);
        };
    }

    /** Every run of experiment {@code id}: its folder and what it runs (as {@link #run} makes them). */
    Map<Path, ExperimentCell> cells(String id) {
        Map<Path, ExperimentCell> m = new LinkedHashMap<>();
        for (Variant var : selected(id))
            for (int s = 0; s < seeds; s++) {
                Path runDir = Summary.runDir(Summary.variantDir(out.resolve(id), var.cell().task(), var.label()), s);
                m.put(runDir, var.cell().forSeed(runDir, s));
            }
        return m;
    }

    /** Every run of federated experiment {@code id}: its folder and its options. */
    Map<Path, FedSimulation.Options> runs(String id) {
        Map<Path, FedSimulation.Options> m = new LinkedHashMap<>();
        cells(id).forEach((dir, c) -> m.put(dir, ((ExperimentCell.Federated) c).options()));
        return m;
    }

    /** What a run's rounds.json must record for the run to be reused: its settings (as {@link FedSimulation} writes them) and R. */
    static Map<String, String> recordedInfo(FedSimulation.Options o) { return new ExperimentCell.Federated(o).recordedInfo(); }

    /**
     * A run found in {@code runDir} is reused (complete) or resumed (killed) only when the settings its log
     * ({@code rounds.json} or {@code train.json}) records equal those {@code cell} asks for; a run made with other
     * settings is run again from the start.
     */
    private void runOnce(ExperimentCell cell, Path runDir) throws Exception {
        Path csv = runDir.resolve(cell.log() + ".csv"), json = runDir.resolve(cell.log() + ".json"), checkpoint = runDir.resolve("checkpoint.safetensors");
        boolean resume = false;
        if (Files.exists(csv) && Files.exists(json)) {
            Map<String, String> recorded = cell.withLaterSettings(RunLog.readInfo(json)), requested = cell.recordedInfo();
            String differs = requested.keySet().stream().filter(k -> !requested.get(k).equals(recorded.get(k))).findFirst().orElse(null);
            if (differs == null) {
                if (cell.complete(RunLog.readCsv(csv))) return; // done before, with these settings
                resume = true; // killed: continue it
            } else {
                log.printf("%s: made with %s = %s, not %s: running it again%n", runDir, differs, recorded.get(differs), requested.get(differs));
            }
        }
        if (!resume) for (Path f : List.of(csv, json, checkpoint)) Files.deleteIfExists(f);
        cell.run(resume, datasets, log);
        Files.deleteIfExists(checkpoint); // large; the logs are what the results need
    }

    // ------------------------------------------------------------------ the grids

    private static final List<String> ALGOS = List.of("forler", "fedcql", "fedtd3bc", "fedora", "cql");

    private List<Variant> e1() {
        List<Variant> g = new ArrayList<>();
        for (String algo : ALGOS)
            for (int t = 0; t < tasks.size(); t++) {
                FedSimulation.Options o = withTask(base, tasks.get(t)).withAlgo(algo);
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
        List<Variant> g = new ArrayList<>();
        for (String algo : List.of("forler", "fedcql", "fedtd3bc", "fedora")) {
            g.add(new Variant(algo, algo + "-4good", 4, e5Arm(algo, false)));
            g.add(new Variant(algo, algo + "-4good+2random", 6, e5Arm(algo, true)));
        }
        return g;
    }

    /** E5's arm of {@code algo}: the 4 good devices, or ({@code polluted}) the same 4 plus 2 random ones. */
    private FedSimulation.Options e5Arm(String algo, boolean polluted) {
        List<String> good = List.of("expert", "medium-expert", "medium", "medium-replay");
        List<String> kinds = new ArrayList<>(good);
        if (polluted) kinds.addAll(List.of("random", "random"));
        FedSimulation.Options o = base.serverKinds().isEmpty() ? base.withAlgo(algo).withServerKinds(good) : base.withAlgo(algo);
        return withData(o, kinds);
    }

    /**
     * What makes FORLER's global score swing from round to round in E5 (docs/results.md §E5): FORLER's 4-good arm with
     * one server or device setting changed at a time ({@code <change>}, x = its index), and for three of the changes
     * the polluted arm too ({@code <change>-4good+2random}). The evaluation episodes are --eval-episodes (the swing
     * is mostly 5-episode noise: compare 5 with 50).
     */
    private List<Variant> swings() {
        Map<String, java.util.function.UnaryOperator<FedSimulation.Options>> changes = new LinkedHashMap<>();
        changes.put("base", o -> o);
        changes.put("server-size-5000", o -> o.withServerSize(5000));
        changes.put("omega-s-0", o -> o.withOmegaS(0f));
        changes.put("omega-s-8", o -> o.withOmegaS(8f));
        changes.put("broadcast-own", o -> o.withBroadcast(ForlerServer.Broadcast.OWN));
        changes.put("no-rectification", o -> o.withAlpha1(0f));
        changes.put("server-steps-25", o -> o.withServerSteps(25));
        changes.put("server-steps-400", o -> o.withServerSteps(400));
        changes.put("server-size-5000-own", o -> o.withServerSize(5000).withBroadcast(ForlerServer.Broadcast.OWN));
        Set<String> alsoPolluted = Set.of("server-size-5000", "no-rectification", "server-size-5000-own");
        List<Variant> g = new ArrayList<>();
        int x = 0;
        for (Map.Entry<String, java.util.function.UnaryOperator<FedSimulation.Options>> c : changes.entrySet()) {
            g.add(new Variant("4 good", c.getKey(), x, c.getValue().apply(e5Arm("forler", false))));
            if (alsoPolluted.contains(c.getKey())) g.add(new Variant("4 good + 2 random", c.getKey() + "-4good+2random", x, c.getValue().apply(e5Arm("forler", true))));
            x++;
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
                                java.util.function.BiFunction<FedSimulation.Options, Double, FedSimulation.Options> set) {
        List<Variant> g = new ArrayList<>();
        for (String algo : algos) for (double x : values) g.add(new Variant(algo, algo + "-" + name + "-" + (int) x, x, set.apply(base.withAlgo(algo), x)));
        return g;
    }

    /** An ablation: for each algorithm, one variant per choice of one setting ({@code <algo>-<name>-<choice>}, x = its index). */
    private List<Variant> choice(String name, List<String> choices, List<String> algos,
                                 java.util.function.BiFunction<FedSimulation.Options, String, FedSimulation.Options> set) {
        List<Variant> g = new ArrayList<>();
        for (String algo : algos)
            for (int i = 0; i < choices.size(); i++) g.add(new Variant(algo, algo + "-" + name + "-" + choices.get(i), i, set.apply(base.withAlgo(algo), choices.get(i))));
        return g;
    }

    /**
     * Adversarial devices (docs/design.md §Adversarial devices): the last of the K devices (1 of 4 with --devices 4)
     * uploads poisoned critics, none, flip or inflate (x = 0, 1, 2), without and with the server's outlier check
     * ({@code <algo>-adversary-<mode>}, {@code <algo>-adversary-<mode>-checked}).
     */
    private List<Variant> adversary() {
        List<Variant> g = new ArrayList<>();
        for (String algo : List.of("forler", "fedcql", "fedora"))
            for (boolean checked : List.of(false, true))
                for (Adversary a : Adversary.values()) {
                    FedSimulation.Options o = base.withAlgo(algo).withAdversary(a).withRejectOutliers(checked);
                    g.add(new Variant(algo + (checked ? " checked" : ""), algo + "-adversary-" + a.flag() + (checked ? "-checked" : ""), a.ordinal(), o));
                }
        return g;
    }

    /**
     * Offline RL on one task ({@code forler train}, not federated): TD3+BC and CQL on medium, medium-replay and
     * medium-expert data ({@code <algo>-<kind>}, x = the kind's index in {@link OfflineGrid#KINDS}), each at the
     * experiment's --hidden, --depth, --batch, --eval-episodes and --size (medium-replay: {@link OfflineGrid#replaySize}),
     * evaluated every steps / 5.
     */
    private List<Variant> offline() {
        OfflineGrid grid = offline != null ? offline : new OfflineGrid(OfflineGrid.ALGOS, OfflineGrid.KINDS, 10_000, base.perDevice());
        List<Variant> g = new ArrayList<>();
        for (String algo : grid.algos())
            for (String kind : grid.kinds()) {
                OfflineTraining.Options o = new OfflineTraining.Options(algo, base.task(), grid.steps(), grid.steps() / 5, base.evalEpisodes(), 0,
                        base.out(), false, base.hidden(), base.depth(), base.batch(), 10, true);
                int size = kind.equals("medium-replay") ? grid.replaySize() : base.perDevice();
                g.add(new Variant(algo, algo + "-" + kind, OfflineGrid.KINDS.indexOf(kind), new ExperimentCell.Offline(o, kind, size, 0)));
            }
        return g;
    }

    // ------------------------------------------------------------------ option edits

    /** E1's tasks: each with its own default depth (2, or 3 for the MuJoCo-size tasks). */
    private static FedSimulation.Options withTask(FedSimulation.Options o, String task) {
        return o.withTask(task).withDepth(FedSimulation.defaultDepth(task));
    }

    /** The devices hold {@code kinds}, one device per kind. */
    private static FedSimulation.Options withData(FedSimulation.Options o, List<String> kinds) {
        return o.withKinds(kinds).withDevices(kinds.size());
    }

    private static FedSimulation.Options withDelta(FedSimulation.Options o, int delta) { return o.withRect(o.rect().withPeriod(delta)); }

    // ------------------------------------------------------------------ helpers

    /** The experiment ids: the paper's e1 … e7, the harness's ablations, and offline RL alone. */
    public static final String IDS = "e[1-7]|norm|omega|temp|init|broadcast|adversary|swings|offline";

    /** Refuses an experiment id other than e1 … e7 and the ablations. */
    public static void checkId(String id) {
        if (!id.matches(IDS)) throw unknown(id);
    }

    private static IllegalArgumentException unknown(String id) {
        return new IllegalArgumentException("unknown experiment '" + id + "': choose e1, e2, e3, e4, e5, e6, e7, all, an ablation: norm, omega, temp, init, broadcast, adversary, swings, or offline");
    }

    /** Refuses a folder whose experiment is not e1 … e7 (the summary needs its title and the settings it varies). */
    static void checkId(String id, Path exp) {
        if (id == null || !id.matches(IDS)) {
            throw new IllegalArgumentException(exp + ": not an experiment folder of `forler experiment` (its experiment is '" + id
                    + "', not e1 … e7, an ablation or offline): report the --out folder of `forler experiment`");
        }
    }

    /**
     * The rounds.json settings experiment {@code id} varies between its variants (older logs: {@code kinds} for
     * {@code data}); every other setting must be the same in every run of one summary.
     */
    static Set<String> varied(String id) {
        return switch (id) {
            case "e1" -> Set.of("algo", "task", "depth", "score_reference");
            case "e2" -> Set.of("algo", "devices");
            case "e3" -> Set.of("algo", "size");
            case "e4" -> Set.of("alpha1", "alpha2");
            case "e5" -> Set.of("algo", "devices", "data", "kinds");
            case "e6" -> Set.of("delta", "alpha1");
            case "norm" -> Set.of("algo", "obs_norm");
            case "omega" -> Set.of("omega_s_per_head");
            case "temp" -> Set.of("search_temp");
            case "init" -> Set.of("search_init", "search_init_std");
            case "broadcast" -> Set.of("broadcast");
            case "adversary" -> Set.of("algo", "adversary", "reject_outliers");
            case "offline" -> Set.of("algo", "data", "size", "dataset_size", "normalised_states");
            case "swings" -> Set.of("devices", "data", "kinds", "server_size", "omega_s", "broadcast", "alpha1", "server_steps");
            default -> Set.of("delta");
        };
    }

    /** Experiment {@code id}'s title (e5: "policy pollution"). */
    public static String title(String id) {
        return switch (id) {
            case "e1" -> "FORLER vs baselines";
            case "e2" -> "number of devices";
            case "e3" -> "dataset size per device";
            case "e4" -> "alpha1 and alpha2";
            case "e5" -> "policy pollution";
            case "e6" -> "search period delta";
            case "norm" -> "ablation: state normalisation rule";
            case "omega" -> "ablation: omega_s averaged or per head";
            case "temp" -> "ablation: search temperature";
            case "init" -> "ablation: the search's start x0 and first std y0";
            case "broadcast" -> "ablation: server broadcast";
            case "adversary" -> "one adversarial device (the last), with and without the server's outlier check";
            case "offline" -> "offline RL (TD3+BC, CQL) on medium, medium-replay and medium-expert data";
            case "swings" -> "ablation: FORLER's round-to-round swings in E5, one setting changed at a time";
            default -> "rectification overhead";
        };
    }

    static String xLabel(String id) {
        return switch (id) {
            case "e1" -> "method: 0 forler, 1 fedcql, 2 fedtd3bc, 3 fedora, 4 cql (centralized)";
            case "e2" -> "devices K";
            case "e3" -> "transitions per device";
            case "e4" -> "coefficient value";
            case "e5" -> "devices (4 good, 6 = +2 random)";
            case "norm" -> "0 none, 1 server, 2 pooled, 3 own";
            case "omega" -> "0 averaged, 1 per head";
            case "temp" -> "0 fixed, 1 spread";
            case "init" -> "x0-y0: 0 zero-2, 1 zero-0.5, 2 zero-0.25, 3 policy-0.25";
            case "broadcast" -> "0 average, 1 own, 2 mix";
            case "adversary" -> "adversary: 0 none, 1 flip, 2 inflate";
            case "offline" -> "dataset: 0 medium, 1 medium-replay, 2 medium-expert";
            case "swings" -> "change: 0 none, 1 D_o 5000, 2/3 omega_s 0/8, 4 own, 5 alpha1 0, 6/7 G 25/400, 8 D_o 5000 + own";
            default -> "delta";
        };
    }
}
