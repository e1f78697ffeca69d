package forler.fed;

import forler.io.AtomicFiles;
import forler.io.Plots;
import forler.io.RunLog;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An experiment's summary, made from its runs' logs alone ({@code rounds.csv} and the settings {@code rounds.json}
 * records), so {@code forler experiment} and {@code forler report} write the same files from the same runs, and
 * shards run on many machines merge by being found under one folder. A run's score is the mean normalised score of
 * the rounds a {@link Rule} picks (default: its last 3); a variant's is the mean ± std over its seeds, for three
 * {@link Policy policies}. Writes, per experiment folder: {@code summary.csv} (the numbers: same runs, same bytes),
 * {@code summary.json} (keyed by variant name, with wall time per round), {@code summary.md} (the table) and one plot
 * per policy ({@code <id>.png} global, {@code <id>-local.png} good devices' local, {@code <id>-local-all.png} all
 * devices' local).
 *
 * <p>An offline experiment's runs log {@code train.csv/json} instead (one policy: its evaluations are read as the
 * global policy's rounds, by step). Two layouts are read: {@code <exp>/<task>/<variant>/seed-<S>/rounds.csv} with {@code variant.json} in the
 * variant folder (what {@link Experiments} writes), and the older {@code <exp>/runs/<variant>-s<S>/rounds.csv} with
 * {@code <exp>/variants.csv} (index, series, label) and the x values in {@code <exp>/summary.csv}.
 */
public final class Summary {
    private Summary() {}

    /** Whose score: the global policy, every device's local one, or the local ones of the devices without random data. */
    public enum Policy {
        GLOBAL("global", "global", ""),
        LOCAL("local", "local (all devices)", "-local-all"),
        GOOD_LOCAL("local_good", "local (devices without random data)", "-local");

        final String column, label, plotSuffix;

        Policy(String column, String label, String plotSuffix) {
            this.column = column;
            this.label = label;
            this.plotSuffix = plotSuffix;
        }

        /** {@code global}, {@code local} or {@code good-local}. */
        public static Policy parse(String s) {
            return switch (s) {
                case "global" -> GLOBAL;
                case "local" -> LOCAL;
                case "good-local" -> GOOD_LOCAL;
                default -> throw new IllegalArgumentException("--policy must be global, local or good-local, got '" + s + "'");
            };
        }
    }

    /**
     * What a run's score makes of the rounds a {@link Rule} picks: their mean, their best (highest) score, or their swing,
     * the mean absolute change of the score from one evaluated round to the next.
     */
    public enum Stat {
        MEAN("mean of"), MAX("best of"), SWING("mean absolute change from one evaluation to the next over");

        final String phrase;

        Stat(String phrase) { this.phrase = phrase; }

        /** {@code mean}, {@code max} or {@code swing}. */
        public static Stat parse(String s) {
            return switch (s) {
                case "mean" -> MEAN;
                case "max" -> MAX;
                case "swing" -> SWING;
                default -> throw new IllegalArgumentException("--stat must be mean, max or swing, got '" + s + "'");
            };
        }

        /**
         * This statistic of column {@code key} over {@code rows}, rows without it left out (the mean: NaN if any is NaN;
         * the best and the swing: over the rows that are not); NaN when none has it.
         */
        double of(List<Map<String, Double>> rows, String key) {
            if (this == MEAN) return mean(rows, key);
            double[] x = rows.stream().map(r -> r.get(key)).filter(v -> v != null && !Double.isNaN(v)).mapToDouble(Double::doubleValue).toArray();
            if (x.length == 0 || (this == SWING && x.length < 2)) return Double.NaN;
            if (this == MAX) return java.util.Arrays.stream(x).max().orElseThrow();
            double s = 0;
            for (int i = 1; i < x.length; i++) s += Math.abs(x[i] - x[i - 1]);
            return s / (x.length - 1);
        }
    }

    /**
     * Which rounds of a run make its score: the last {@code last} that evaluated the policies, or, when {@code from >= 0}, rounds
     * {@code from} … {@code to} (inclusive, by the logged round number; an offline run's: its step); and what of them
     * ({@link Stat}: their mean unless told otherwise).
     */
    public record Rule(int last, int from, int to, Stat stat) {
        /** What the experiments use: the mean of the last 3 evaluations (rounds, unless the run evaluated only every N rounds). */
        public static final Rule DEFAULT = new Rule(3, -1, -1, Stat.MEAN);

        private static final Pattern LAST = Pattern.compile("last-(\\d{1,9})"), RANGE = Pattern.compile("(\\d{1,9}):(\\d{1,9})");

        /** {@code --score last-N}. */
        public static Rule lastN(String spec) {
            Matcher m = LAST.matcher(spec);
            if (!m.matches() || Integer.parseInt(m.group(1)) < 1) {
                throw new IllegalArgumentException("--score must be last-N with N >= 1 (e.g. last-3), got '" + spec + "'");
            }
            return new Rule(Integer.parseInt(m.group(1)), -1, -1, Stat.MEAN);
        }

        /** {@code --rounds A:B}. */
        public static Rule rounds(String spec) {
            Matcher m = RANGE.matcher(spec);
            if (!m.matches() || Integer.parseInt(m.group(1)) > Integer.parseInt(m.group(2))) {
                throw new IllegalArgumentException("--rounds must be A:B with 0 <= A <= B (rounds A to B of every run, inclusive), got '" + spec + "'");
            }
            return new Rule(0, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Stat.MEAN);
        }

        /** The same rounds, {@code s} of them. */
        public Rule with(Stat s) { return new Rule(last, from, to, s); }

        String describe() {
            return from >= 0 ? "normalised score, " + stat.phrase + " rounds " + from + " to " + to + ", mean ± std over seeds"
                    : "normalised score, " + stat.phrase + " the last " + last + " evaluations, mean ± std over seeds";
        }

        /**
         * The rows of {@code run} this rule scores, only rounds that evaluated the policies (--eval-every leaves the
         * others' scores NaN); refuses a run that has none of them.
         */
        List<Map<String, Double>> select(List<Map<String, Double>> rows, Path run) {
            List<Map<String, Double>> evaluated = rows.stream().filter(r -> !Double.isNaN(r.getOrDefault("global_score", 0.0))).toList();
            if (from < 0) return evaluated.subList(evaluated.size() - Math.min(last, evaluated.size()), evaluated.size());
            List<Map<String, Double>> out = evaluated.stream().filter(r -> r.containsKey("round") && r.get("round") >= from && r.get("round") <= to).toList();
            if (out.isEmpty()) throw new IllegalArgumentException("--rounds " + from + ":" + to + ": " + run + " has no evaluated round in that range ("
                    + rows.size() + " rounds logged, " + evaluated.size() + " evaluated)");
            return out;
        }
    }

    /**
     * One run found on disk: its variant (name, series, x, place in the experiment's grid), seed, recorded settings and
     * rows, and its log's name: {@code rounds} (a federated run) or {@code train} (an offline one, whose rows are read as
     * {@link #trainRows}).
     */
    record Run(Path dir, String experiment, int index, String variant, String series, double x, int seed, int seeds,
               Map<String, String> info, List<Map<String, Double>> rows, String log) {
        /** An offline run: one policy, no devices. */
        boolean offline() { return log.equals(TRAIN); }
    }

    /** One variant's line: its numbers (x, then mean and std per policy, Q-evaluations) and its wall time per round. */
    public record Line(String variant, String series, int seeds, Map<String, Double> values, double wallPerRound) {}

    private static final String VARIANT = "variant.json", ROUNDS = "rounds", TRAIN = "train";
    private static final Pattern SEED_DIR = Pattern.compile("seed-(\\d+)"), OLD_RUN = Pattern.compile("(.+)-s(\\d+)");

    /** A variant's folder: {@code <exp>/<task>/<name>}; its runs are {@code seed-<S>} inside it. */
    static Path variantDir(Path exp, String task, String name) { return exp.resolve(task).resolve(name); }

    static Path runDir(Path variantDir, int seed) { return variantDir.resolve("seed-" + seed); }

    /** Records what a variant folder's runs are to the summary (read back by {@link #find}). */
    static void writeVariant(Path variantDir, String experiment, int index, String name, String series, double x, int seeds) throws IOException {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("experiment", experiment);
        info.put("index", Integer.toString(index));
        info.put("variant", name);
        info.put("series", series);
        info.put("x", RunLog.num(x));
        info.put("seeds", Integer.toString(seeds));
        StringBuilder j = new StringBuilder("{\n  \"info\": {");
        int i = 0;
        for (Map.Entry<String, String> e : info.entrySet())
            j.append(i++ == 0 ? "\n" : ",\n").append("    ").append(RunLog.quote(e.getKey())).append(": ").append(RunLog.quote(e.getValue()));
        AtomicFiles.writeString(variantDir.resolve(VARIANT), j.append("\n  }\n}\n").toString());
    }

    // ------------------------------------------------------------------ reading runs

    /** Every run under {@code dir}, by experiment folder (sorted); refuses a folder with none. */
    static Map<Path, List<Run>> find(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(dir + ": no such folder: give a folder that `forler experiment --out` wrote");
        List<Path> csvs;
        try (Stream<Path> s = Files.walk(dir)) {
            csvs = s.filter(p -> isLog(p.getFileName().toString())).sorted().toList();
        }
        Map<Path, List<Run>> byExp = new TreeMap<>();
        Map<Path, Map<String, String[]>> oldVariants = new LinkedHashMap<>();
        for (Path csv : csvs) {
            Path run = csv.getParent();
            String log = csv.getFileName().toString().replace(".csv", "");
            Path json = run.resolve(log + ".json");
            List<Map<String, Double>> rows = log.equals(TRAIN) ? trainRows(RunLog.readCsv(csv)) : RunLog.readCsv(csv);
            Matcher seed = SEED_DIR.matcher(run.getFileName().toString());
            Matcher old = OLD_RUN.matcher(run.getFileName().toString());
            Run r;
            if (seed.matches() && Files.exists(run.getParent().resolve(VARIANT))) {
                Map<String, String> v = RunLog.readInfo(run.getParent().resolve(VARIANT));
                Path exp = run.getParent().getParent().getParent();
                r = new Run(run, v.get("experiment"), Integer.parseInt(v.get("index")), v.get("variant"), v.get("series"),
                        Double.parseDouble(v.get("x")), Integer.parseInt(seed.group(1)), Integer.parseInt(v.get("seeds")), RunLog.readInfo(json), rows, log);
                byExp.computeIfAbsent(exp, k -> new ArrayList<>()).add(r);
            } else if (old.matches() && run.getParent().getFileName().toString().equals("runs")) {
                Path exp = run.getParent().getParent();
                String[] v = oldVariants.computeIfAbsent(exp, Summary::oldVariants).get(old.group(1));
                if (v == null) throw new IllegalArgumentException(run + ": variant " + old.group(1) + " is not in " + exp.resolve("variants.csv"));
                r = new Run(run, exp.getFileName().toString(), Integer.parseInt(v[0]), old.group(1), v[1], Double.parseDouble(v[2]),
                        Integer.parseInt(old.group(2)), 0, Files.exists(json) ? RunLog.readInfo(json) : Map.of(), rows, log);
                byExp.computeIfAbsent(exp, k -> new ArrayList<>()).add(r);
            } else {
                throw new IllegalArgumentException(run + ": not a run of `forler experiment` (expected <experiment>/<task>/<variant>/seed-<S>/ "
                        + "with variant.json beside it, or <experiment>/runs/<variant>-s<S>/): report its experiment folder alone");
            }
        }
        if (byExp.isEmpty()) {
            throw new IllegalArgumentException(dir + ": no runs under it (no <experiment>/<task>/<variant>/seed-<S>/rounds.csv or train.csv): "
                    + "give the --out folder of `forler experiment`");
        }
        byExp.values().forEach(l -> l.sort(Comparator.comparingInt(Run::index).thenComparing(Run::variant).thenComparingInt(Run::seed)));
        return byExp;
    }

    /** A run's log: rounds.csv (federated) or train.csv (offline). */
    private static boolean isLog(String fileName) { return fileName.equals(ROUNDS + ".csv") || fileName.equals(TRAIN + ".csv"); }

    /**
     * An offline run's evaluations (train.csv: step, score, wall_s, …) as the rows of a federated one: the step as
     * {@code round}, the policy's normalised score as {@code global_score}, so one {@link Rule} picks the rows of both.
     */
    static List<Map<String, Double>> trainRows(List<Map<String, Double>> rows) {
        List<Map<String, Double>> out = new ArrayList<>();
        for (Map<String, Double> r : rows) {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("round", r.get("step"));
            m.put("global_score", r.get("score"));
            if (r.containsKey("wall_s")) m.put("wall_s", r.get("wall_s"));
            out.add(m);
        }
        return out;
    }

    /**
     * The older layout's variants: label → (index, series, x), from {@code variants.csv} and the x column of
     * {@code summary.csv} (by variant index, or by name once {@code forler report} has rewritten it).
     */
    private static Map<String, String[]> oldVariants(Path exp) {
        try {
            Path labels = exp.resolve("variants.csv"), summary = exp.resolve("summary.csv");
            if (!Files.exists(labels) || !Files.exists(summary)) {
                throw new IllegalArgumentException(exp + ": runs/ without variants.csv and summary.csv beside it: cannot tell its variants' series and x");
            }
            Map<String, String> xs = new LinkedHashMap<>();
            List<String> lines = Files.readAllLines(summary);
            List<String> head = List.of(lines.get(0).split(",", -1));
            for (String l : lines.subList(1, lines.size())) {
                if (l.isBlank()) continue;
                List<String> cells = csvCells(l);
                String key = cells.get(head.indexOf("variant"));
                xs.put(key.matches("[0-9.]+") ? Integer.toString((int) Double.parseDouble(key)) : key, cells.get(head.indexOf("x")));
            }
            Map<String, String[]> m = new LinkedHashMap<>();
            List<String> labelLines = Files.readAllLines(labels);
            for (String l : labelLines.subList(1, labelLines.size())) {
                if (l.isBlank()) continue;
                String[] c = l.split(",", 3);
                String x = xs.containsKey(c[2]) ? xs.get(c[2]) : xs.get(c[0]);
                if (x == null) throw new IllegalArgumentException(summary + ": no row for variant " + c[0] + " (" + c[2] + ")");
                m.put(c[2], new String[] {c[0], c[1], x});
            }
            return m;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Refuses runs that do not belong under one summary, naming what differs: a setting that differs between runs
     * (other than the seed and the settings experiment {@code id} varies, which must still agree within a variant),
     * an unfinished run, or a variant without a run for each of the seeds asked for, or variants with different seeds
     * (a shard missing or unfinished).
     */
    static void check(Path exp, String id, List<Run> runs) {
        Set<String> varied = Experiments.varied(id);
        Map<String, Run> first = new LinkedHashMap<>();
        for (Run r : runs) {
            for (Map.Entry<String, String> e : r.info().entrySet()) {
                if (e.getKey().equals("seed")) continue;
                String group = e.getKey() + (varied.contains(e.getKey()) ? "@" + r.variant() : "");
                Run was = first.putIfAbsent(group, r);
                if (was != null && !e.getValue().equals(was.info().get(e.getKey()))) {
                    throw new IllegalStateException(exp + ": runs of mixed settings under one summary: " + e.getKey() + " is "
                            + was.info().get(e.getKey()) + " in " + exp.relativize(was.dir()) + " but " + e.getValue() + " in "
                            + exp.relativize(r.dir()) + ": give them separate folders, or run the odd one again with the others' settings");
                }
            }
            String rounds = r.info().get("rounds"), steps = r.info().get("steps");
            if (!r.offline() && rounds != null && r.rows().size() < Integer.parseInt(rounds)) {
                throw new IllegalStateException(exp.relativize(r.dir()) + " in " + exp + " is unfinished (" + r.rows().size() + " of " + rounds
                        + " rounds): run its experiment (or shard) again to finish it, then report");
            }
            double last = r.rows().isEmpty() ? -1 : r.rows().get(r.rows().size() - 1).getOrDefault("round", -1.0);
            if (r.offline() && steps != null && last < Integer.parseInt(steps)) {
                throw new IllegalStateException(exp.relativize(r.dir()) + " in " + exp + " is unfinished (last evaluation at step " + (long) last
                        + " of " + steps + "): run its experiment (or shard) again to finish it, then report");
            }
        }
        Map<String, Set<Integer>> seeds = new LinkedHashMap<>();
        for (Run r : runs) seeds.computeIfAbsent(r.variant(), k -> new TreeSet<>()).add(r.seed());
        for (Run r : runs) {
            if (r.seeds() > 0 && seeds.get(r.variant()).size() < r.seeds()) {
                throw new IllegalStateException(exp + ": variant " + r.variant() + " has runs for seeds " + seeds.get(r.variant()) + " of the "
                        + r.seeds() + " asked for: a shard is missing or unfinished; run it, then report");
            }
        }
        Map.Entry<String, Set<Integer>> a = seeds.entrySet().iterator().next();
        for (Map.Entry<String, Set<Integer>> b : seeds.entrySet()) {
            if (!b.getValue().equals(a.getValue())) {
                throw new IllegalStateException(exp + ": variant " + a.getKey() + " has seeds " + a.getValue() + " but " + b.getKey() + " has "
                        + b.getValue() + ": a shard is missing or unfinished; run it, then report");
            }
        }
    }

    // ------------------------------------------------------------------ progress

    /**
     * Seconds per logged row (a round; an offline run's evaluation) of a run: the sum of {@code wall_s}'s increments
     * over its rows. {@code wall_s} counts from the start of the process that wrote the row, so a drop marks a
     * {@code --resume} and that row counts from zero. NaN when the last row has no {@code wall_s}.
     */
    public static double wallPerRound(List<Map<String, Double>> rows) {
        if (rows.isEmpty() || rows.get(rows.size() - 1).get("wall_s") == null) return Double.NaN;
        double total = 0, previous = 0;
        for (Map<String, Double> r : rows) {
            Double w = r.get("wall_s");
            if (w == null || w.isNaN()) continue;
            total += w >= previous ? w - previous : w;
            previous = w;
        }
        return total / rows.size();
    }

    /**
     * Where the runs under {@code dir} stand ({@code forler report --progress}), unfinished ones welcome, nothing
     * written: per experiment folder a table with each run's rounds done of those asked, its last evaluation (global
     * and local mean), its score so far under {@code rule}, its seconds per round (from {@link #wallPerRound}), the time
     * its remaining rounds take at that pace and whether a checkpoint waits for {@code --resume}; then the seeds that a
     * variant asks for without a folder yet and the variants {@code forler experiment} recorded (variant.json) without a
     * run yet, and the total left at one run at a time (a seed not started at its variant's pace).
     */
    public static void progress(Path dir, Rule rule, java.io.PrintWriter out) throws IOException {
        Map<Path, Map<String, Planned>> planned = planned(dir); // experiment folder -> variant -> what it asks for
        boolean anyRun;
        try (Stream<Path> s = Files.walk(dir)) { anyRun = s.anyMatch(p -> isLog(p.getFileName().toString())); }
        Map<Path, List<Run>> found = anyRun || planned.isEmpty() ? find(dir) : Map.of(); // find refuses a folder with neither
        Set<Path> exps = new TreeSet<>(found.keySet());
        exps.addAll(planned.keySet());
        for (Path exp : exps) {
            List<Run> runs = found.getOrDefault(exp, List.of());
            Map<String, Planned> unstarted = new LinkedHashMap<>(planned.getOrDefault(exp, Map.of()));
            runs.forEach(r -> unstarted.remove(r.variant()));
            String id = runs.isEmpty() ? unstarted.values().iterator().next().experiment() : runs.get(0).experiment();
            out.println(exp + " (" + id + "; score so far: " + rule.describe().replace(", mean ± std over seeds", "") + ")");
            out.println("| variant | seed | done | last evaluation: global, local mean | score so far | s per round | left | checkpoint |");
            out.println("|---|---|---|---|---|---|---|---|");
            Map<String, List<Run>> byVariant = new LinkedHashMap<>();
            for (Run r : runs) byVariant.computeIfAbsent(r.variant(), k -> new ArrayList<>()).add(r);
            double left = 0;
            int finished = 0, asked = 0;
            List<String> notStarted = new ArrayList<>();
            for (Map.Entry<String, List<Run>> v : byVariant.entrySet()) {
                double pace = 0;
                int paced = 0;
                long rowsAsked = 0;
                for (Run r : v.getValue()) {
                    long total = rowsAsked(r), done = r.rows().size();
                    rowsAsked = Math.max(rowsAsked, total);
                    double perRow = wallPerRound(r.rows()), rest = perRow * Math.max(0, total - done);
                    if (!Double.isNaN(perRow)) { pace += perRow; paced++; }
                    if (done >= total) finished++; else left += rest;
                    List<Map<String, Double>> evaluated = r.rows().stream().filter(x -> !Double.isNaN(x.getOrDefault("global_score", Double.NaN))).toList();
                    Map<String, Double> last = evaluated.isEmpty() ? null : evaluated.get(evaluated.size() - 1);
                    double soFar;
                    try {
                        soFar = evaluated.isEmpty() ? Double.NaN : rule.stat().of(rule.select(r.rows(), r.dir()), "global_score");
                    } catch (IllegalArgumentException none) { // --rounds A:B not reached yet
                        soFar = Double.NaN;
                    }
                    String unit = r.offline() ? " steps" : " rounds";
                    long doneUnits = r.offline() && last != null ? last.get("round").longValue() : done;
                    long totalUnits = r.offline() ? Long.parseLong(r.info().getOrDefault("steps", "0")) : total;
                    out.printf(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s |%n", r.variant(), r.seed(),
                            doneUnits + " of " + totalUnits + unit,
                            last == null ? "—" : String.format(Locale.ROOT, "%s %d: %.1f, %s", r.offline() ? "step" : "round",
                                    last.get("round").longValue(), last.get("global_score"), fmt(last.get("local_score_mean"))),
                            fmt(soFar), Double.isNaN(perRow) ? "—" : String.format(Locale.ROOT, "%.2f", perRow), done >= total ? "finished" : duration(rest),
                            Files.exists(r.dir().resolve("checkpoint.safetensors")) ? "yes" : "no");
                }
                Run any = v.getValue().get(0);
                int missing = Math.max(0, any.seeds() - v.getValue().size());
                asked += v.getValue().size() + missing;
                if (missing > 0) {
                    notStarted.add(v.getKey() + " (" + missing + " of " + any.seeds() + " seeds)");
                    left += paced == 0 ? Double.NaN : missing * rowsAsked * pace / paced;
                }
            }
            int unpaced = 0;
            for (Map.Entry<String, Planned> u : unstarted.entrySet()) {
                int n = u.getValue().seeds();
                notStarted.add(u.getKey() + " (" + n + " of " + n + " seeds)");
                asked += n;
                unpaced += n;
            }
            if (!notStarted.isEmpty()) out.println("not started: " + String.join(", ", notStarted));
            out.println(finished + " of " + asked + " runs finished; left: " + duration(left) + " at one run at a time, at each variant's pace so far"
                    + (unpaced > 0 ? ", and the " + unpaced + " runs of the variants not started yet" : ""));
            out.println();
        }
    }

    /** A variant {@code forler experiment} recorded (variant.json): its experiment and the seeds it asks for. */
    private record Planned(String experiment, int seeds) {}

    /** The variants recorded under {@code dir}, by experiment folder and name. */
    private static Map<Path, Map<String, Planned>> planned(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(dir + ": no such folder: give a folder that `forler experiment --out` wrote");
        Map<Path, Map<String, Planned>> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().equals(VARIANT)).sorted().toList()) {
                Map<String, String> v = RunLog.readInfo(p);
                m.computeIfAbsent(p.getParent().getParent().getParent(), k -> new LinkedHashMap<>())
                        .put(v.get("variant"), new Planned(v.get("experiment"), Integer.parseInt(v.get("seeds"))));
            }
        }
        return m;
    }

    /** Rows a finished run logs: its rounds, or an offline run's evaluations (steps / evaluation period, from its rows). */
    private static long rowsAsked(Run r) {
        if (!r.offline()) return Long.parseLong(r.info().getOrDefault("rounds", Integer.toString(r.rows().size())));
        long steps = Long.parseLong(r.info().getOrDefault("steps", "0"));
        List<Map<String, Double>> rows = r.rows();
        if (rows.isEmpty()) return 1;
        double first = rows.get(0).get("round"), period = rows.size() > 1 ? rows.get(1).get("round") - first : first;
        return period <= 0 ? rows.size() : Math.max(rows.size(), Math.round(steps / period));
    }

    private static String fmt(Double x) { return x == null || x.isNaN() ? "—" : String.format(Locale.ROOT, "%.1f", x); }

    /** Seconds as "3 h 05 min", "12 min" or "40 s"; "?" when unknown. */
    static String duration(double s) {
        if (Double.isNaN(s)) return "?";
        long m = Math.round(s / 60);
        if (s < 60) return Math.round(s) + " s";
        return m < 60 ? m + " min" : String.format(Locale.ROOT, "%d h %02d min", m / 60, m % 60);
    }

    // ------------------------------------------------------------------ the summary

    /**
     * Summarises every experiment folder under {@code dir} ({@code forler report}).
     *
     * @param curves redraw every run's curve.png too
     * @param copyTo when not null: first copy the runs' logs into this folder in the current layout
     *               ({@code <id>/<task>/<variant>/seed-<S>/}, with variant.json) and summarise the copy
     * @return each experiment folder summarised and its settings: those its runs' rounds.json record, "varies" for
     *         the ones its variants vary, the seed left out
     */
    public static Map<Path, Map<String, String>> reportAll(Path dir, Rule rule, Set<Policy> policies, boolean curves, Path copyTo, PrintStream log) throws IOException {
        Map<Path, List<Run>> byExp = find(dir);
        for (Map.Entry<Path, List<Run>> e : byExp.entrySet()) { // every folder checked before any is written
            Experiments.checkId(e.getValue().get(0).experiment(), e.getKey());
            check(e.getKey(), e.getValue().get(0).experiment(), e.getValue());
        }
        if (copyTo != null) {
            copy(byExp, copyTo);
            byExp = find(copyTo);
        }
        Map<Path, Map<String, String>> settings = new LinkedHashMap<>();
        for (Map.Entry<Path, List<Run>> e : byExp.entrySet()) {
            write(e.getKey(), e.getValue(), rule, policies, log);
            Set<String> varied = Experiments.varied(e.getValue().get(0).experiment());
            Map<String, String> m = new LinkedHashMap<>();
            for (Run r : e.getValue()) r.info().forEach((k, v) -> { if (!k.equals("seed")) m.putIfAbsent(k, varied.contains(k) ? "varies" : v); });
            settings.put(e.getKey(), m);
            if (curves) {
                for (Run r : e.getValue()) {
                    String algo = r.info().getOrDefault("algo", "?"), task = r.info().getOrDefault("task", "?");
                    if (r.offline()) {
                        Plots.fromRows(r.dir().resolve("curve.png"), algo + " on " + task + " (seed " + r.seed() + ")", r.rows(), "round", "normalised score",
                                "global_score");
                    } else FedSimulation.drawCurve(r.dir(), algo, task, Integer.toString(r.seed()), r.rows());
                }
                log.println("curves: " + e.getValue().size() + " runs' curve.png under " + e.getKey());
            }
        }
        return settings;
    }

    /** Copies each run's log (rounds.csv/json or train.csv/json) to {@code to/<id>/<task>/<variant>/seed-<S>/}; refuses a folder that already holds runs. */
    private static void copy(Map<Path, List<Run>> byExp, Path to) throws IOException {
        Set<String> ids = new TreeSet<>();
        for (List<Run> runs : byExp.values()) {
            String id = runs.get(0).experiment();
            if (!ids.add(id)) throw new IllegalArgumentException("--copy-to: two folders hold experiment " + id + ": copy them one at a time");
            if (Files.exists(to.resolve(id))) throw new IllegalArgumentException("--copy-to: " + to.resolve(id) + " already exists: choose another folder");
            for (Run r : runs) {
                if (!r.info().containsKey("task")) throw new IllegalArgumentException("--copy-to: " + r.dir().resolve("rounds.json") + " records no task");
            }
        }
        for (List<Run> runs : byExp.values()) {
            Map<String, Set<Integer>> seeds = new LinkedHashMap<>();
            for (Run r : runs) seeds.computeIfAbsent(r.variant(), k -> new TreeSet<>()).add(r.seed());
            for (Run r : runs) {
                Path vdir = variantDir(to.resolve(r.experiment()), r.info().get("task"), r.variant()), run = runDir(vdir, r.seed());
                Files.createDirectories(run);
                writeVariant(vdir, r.experiment(), r.index(), r.variant(), r.series(), r.x(), seeds.get(r.variant()).size());
                for (String f : List.of(r.log() + ".csv", r.log() + ".json")) {
                    if (Files.exists(r.dir().resolve(f))) Files.copy(r.dir().resolve(f), run.resolve(f));
                }
            }
        }
    }

    /** Summarises the one experiment in folder {@code exp} ({@code forler experiment}, unsharded). */
    static List<Line> report(Path exp, Rule rule, Set<Policy> policies, PrintStream log) throws IOException {
        Map<Path, List<Run>> byExp = find(exp);
        if (byExp.size() != 1) throw new IllegalStateException(exp + ": holds more than one experiment: " + byExp.keySet());
        return write(byExp.keySet().iterator().next(), byExp.values().iterator().next(), rule, policies, log);
    }

    private static List<Line> write(Path exp, List<Run> runs, Rule rule, Set<Policy> policies, PrintStream log) throws IOException {
        String id = runs.get(0).experiment();
        Experiments.checkId(id, exp);
        check(exp, id, runs);
        boolean offline = runs.get(0).offline();
        if (runs.stream().anyMatch(r -> r.offline() != offline)) {
            throw new IllegalStateException(exp + ": runs of mixed settings under one summary: federated runs (rounds.csv) and offline ones (train.csv): give them separate folders");
        }
        if (offline) policies = java.util.EnumSet.of(Policy.GLOBAL); // one policy, no devices
        Map<String, List<Run>> byVariant = new LinkedHashMap<>();
        for (Run r : runs) byVariant.computeIfAbsent(r.variant(), k -> new ArrayList<>()).add(r);
        List<Line> lines = new ArrayList<>();
        for (List<Run> vr : byVariant.values()) lines.add(line(vr, rule));
        int seeds = lines.get(0).seeds();

        Map<String, String> info = new LinkedHashMap<>();
        info.put("experiment", id);
        info.put("seeds", Integer.toString(seeds));
        Map<String, String> first = runs.get(0).info();
        if (offline) info.put("steps", first.get("steps"));
        else info.put("rounds", first.getOrDefault("rounds", Integer.toString(runs.get(0).rows().size())));
        for (String k : List.of("local_steps", "size", "hidden")) if (first.containsKey(k) && !(offline && k.equals("size"))) info.put(k, first.get(k));
        info.put("score", rule.describe());

        AtomicFiles.writeString(exp.resolve("summary.csv"), csv(lines));
        AtomicFiles.writeString(exp.resolve("summary.json"), json(info, lines));
        List<String> kept = id.equals("e5") && rule.stat() == Stat.MEAN ? kept(lines) : List.of(); // a share of the mean score
        AtomicFiles.writeString(exp.resolve("summary.md"), markdown(id, info, lines, policies, kept));
        String title = id.toUpperCase(Locale.ROOT) + ": " + Experiments.title(id) + " (" + seeds + " seeds)";
        for (Policy p : policies) {
            Map<String, List<double[]>> series = new LinkedHashMap<>(); // series → (x, mean, std)
            for (Line l : lines) {
                series.computeIfAbsent(l.series(), k -> new ArrayList<>())
                        .add(new double[] {l.values().get("x"), l.values().get(p.column + "_mean"), l.values().get(p.column + "_std")});
            }
            List<Plots.Series> ps = new ArrayList<>();
            series.forEach((name, pts) -> ps.add(new Plots.Series(name, pts.stream().mapToDouble(q -> q[0]).toArray(),
                    pts.stream().mapToDouble(q -> q[1]).toArray(), pts.stream().mapToDouble(q -> q[2]).toArray())));
            Plots.line(exp.resolve(id + p.plotSuffix + ".png"), title, Experiments.xLabel(id), offline ? "normalised score" : "normalised score (" + p.label + ")", ps);
        }
        for (Line l : lines) {
            Map<String, Double> v = l.values();
            if (offline) {
                log.printf(Locale.ROOT, "%s %-28s %.1f ± %.1f (normalised score)%n", id, l.variant(), v.get("global_mean"), v.get("global_std"));
                continue;
            }
            log.printf(Locale.ROOT, "%s %-28s global %.1f ± %.1f, local %.1f ± %.1f, good devices' local %.1f ± %.1f (normalised scores)%n", id, l.variant(),
                    v.get("global_mean"), v.get("global_std"), v.get("local_mean"), v.get("local_std"), v.get("local_good_mean"), v.get("local_good_std"));
        }
        kept.forEach(k -> log.println("e5 " + k));
        log.println("summary: " + exp.resolve("summary.md"));
        return lines;
    }

    /** A variant's line from its runs (one per seed). */
    private static Line line(List<Run> runs, Rule rule) {
        int n = runs.size();
        double[] g = new double[n], l = new double[n], lg = new double[n], qe = new double[n], wall = new double[n];
        for (int s = 0; s < n; s++) {
            Run r = runs.get(s);
            List<Map<String, Double>> rows = rule.select(r.rows(), r.dir());
            g[s] = rule.stat().of(rows, "global_score");
            l[s] = rule.stat().of(rows, "local_score_mean");
            lg[s] = rule.stat().of(goodLocal(rows, devices(r), kinds(r)), "local_good");
            qe[s] = mean(rows, "device_q_evals_per_state");
            wall[s] = wallPerRound(r.rows());
        }
        Map<String, Double> v = new LinkedHashMap<>();
        v.put("x", runs.get(0).x());
        v.put("global_mean", mean(g));
        v.put("global_std", std(g));
        if (runs.get(0).offline()) return new Line(runs.get(0).variant(), runs.get(0).series(), n, v, mean(wall)); // no devices
        v.put("local_mean", mean(l));
        v.put("local_std", std(l));
        v.put("local_good_mean", mean(lg));
        v.put("local_good_std", std(lg));
        if (!Double.isNaN(mean(qe))) v.put("q_evals_per_state_step", mean(qe));
        return new Line(runs.get(0).variant(), runs.get(0).series(), n, v, mean(wall));
    }

    private static int devices(Run r) {
        String d = r.info().get("devices");
        if (d != null) return Integer.parseInt(d);
        return (int) r.rows().get(0).keySet().stream().filter(k -> k.matches("local_score_\\d+")).count();
    }

    /** The devices' data kinds ({@code data}; {@code kinds} in older logs); none recorded: none is random. */
    private static List<String> kinds(Run r) {
        String k = r.info().getOrDefault("data", r.info().get("kinds"));
        return k == null ? List.of("unknown") : List.of(k.split(","));
    }

    /**
     * Each round's mean local score over the devices whose data kind is not {@code random} (kinds cycle over the
     * devices, as in {@link FedSimulation}), as rows with the one key {@code local_good}; NaN when every device is random.
     */
    static List<Map<String, Double>> goodLocal(List<Map<String, Double>> rows, int devices, List<String> kinds) {
        List<Map<String, Double>> out = new ArrayList<>();
        for (Map<String, Double> r : rows) {
            double s = 0;
            int c = 0;
            for (int k = 0; k < devices; k++) {
                Double x = r.get("local_score_" + k);
                if (x != null && !kinds.get(k % kinds.size()).equals("random")) {
                    s += x;
                    c++;
                }
            }
            out.add(Map.of("local_good", c == 0 ? Double.NaN : s / c));
        }
        return out;
    }

    /** E5's bar: the share of each method's 4-good score that it keeps with the 2 random devices, server and device side. */
    private static List<String> kept(List<Line> lines) {
        Map<String, List<Line>> bySeries = new LinkedHashMap<>();
        for (Line l : lines) bySeries.computeIfAbsent(l.series(), k -> new ArrayList<>()).add(l);
        List<String> out = new ArrayList<>();
        bySeries.forEach((series, ls) -> {
            if (ls.size() != 2) return;
            Map<String, Double> clean = ls.get(0).values(), polluted = ls.get(1).values();
            out.add(String.format(Locale.ROOT, "%-8s with 2 random devices keeps %s of its global score and %s of its good devices' local score (bar: 90%%)",
                    series, kept(clean.get("global_mean"), polluted.get("global_mean")), kept(clean.get("local_good_mean"), polluted.get("local_good_mean"))));
        });
        return out;
    }

    /** {@code polluted / clean} as a percentage; a ratio to a score ≤ 0 means nothing, and says so. */
    static String kept(double clean, double polluted) {
        return clean > 0 ? String.format(Locale.ROOT, "%.0f%%", 100 * polluted / clean)
                : String.format(Locale.ROOT, "n/a (%.1f without them)", clean);
    }

    // ------------------------------------------------------------------ the files

    /** The numbers only (no wall time): the same runs give the same bytes on any machine. */
    static String csv(List<Line> lines) {
        LinkedHashSet<String> cols = new LinkedHashSet<>();
        for (Line l : lines) cols.addAll(l.values().keySet());
        StringBuilder b = new StringBuilder("variant,series,").append(String.join(",", cols)).append('\n');
        for (Line l : lines) {
            b.append(csvCell(l.variant())).append(',').append(csvCell(l.series()));
            for (String c : cols) b.append(',').append(l.values().containsKey(c) ? RunLog.num(l.values().get(c)) : "");
            b.append('\n');
        }
        return b.toString();
    }

    private static String json(Map<String, String> info, List<Line> lines) {
        StringBuilder j = new StringBuilder("{\n  \"info\": {");
        int i = 0;
        for (Map.Entry<String, String> e : info.entrySet())
            j.append(i++ == 0 ? "\n" : ",\n").append("    ").append(RunLog.quote(e.getKey())).append(": ").append(RunLog.quote(e.getValue()));
        j.append("\n  },\n  \"variants\": {");
        for (int k = 0; k < lines.size(); k++) {
            Line l = lines.get(k);
            j.append(k == 0 ? "\n" : ",\n").append("    ").append(RunLog.quote(l.variant())).append(": {\"series\": ").append(RunLog.quote(l.series()))
                    .append(", \"seeds\": ").append(l.seeds());
            l.values().forEach((c, v) -> j.append(", ").append(RunLog.quote(c)).append(": ").append(jsonNum(v)));
            j.append(", \"wall_s_per_round\": ").append(jsonNum(l.wallPerRound())).append('}');
        }
        return j.append("\n  }\n}\n").toString();
    }

    /** The table: one row per variant, mean ± std per chosen policy (one decimal), wall time per round. */
    static String markdown(String id, Map<String, String> info, List<Line> lines, Set<Policy> policies, List<String> kept) {
        StringBuilder b = new StringBuilder("# ").append(id.toUpperCase(Locale.ROOT)).append(": ").append(Experiments.title(id)).append("\n\n");
        boolean offline = info.containsKey("steps") && !info.containsKey("rounds");
        b.append("Score: ").append(info.get("score")).append(" (").append(info.get("seeds")).append(" seeds, ")
                .append(offline ? info.get("steps") + " steps" : info.get("rounds") + " rounds").append("). Written by `forler report` from the runs' logs.\n\n");
        boolean q = lines.stream().anyMatch(l -> l.values().containsKey("q_evals_per_state_step"));
        b.append("| variant | series | x |");
        for (Policy p : policies) b.append(' ').append(offline ? "normalised score" : p.label).append(" |");
        b.append(q ? " Q-evaluations per state per step |" : "").append(offline ? " wall s per evaluation |" : " wall s per round |").append("\n|---|---|---|");
        b.append("---|".repeat(policies.size() + (q ? 1 : 0) + 1)).append('\n');
        for (Line l : lines) {
            Map<String, Double> v = l.values();
            b.append("| ").append(l.variant()).append(" | ").append(l.series()).append(" | ").append(RunLog.num(v.get("x"))).append(" |");
            for (Policy p : policies) b.append(String.format(Locale.ROOT, " %.1f ± %.1f |", v.get(p.column + "_mean"), v.get(p.column + "_std")));
            if (q) b.append(v.containsKey("q_evals_per_state_step") ? String.format(Locale.ROOT, " %.1f |", v.get("q_evals_per_state_step")) : " |");
            b.append(String.format(Locale.ROOT, " %.2f |", l.wallPerRound())).append('\n');
        }
        if (!kept.isEmpty()) {
            b.append("\nShare kept with the 2 random devices (bar: 90%):\n\n");
            for (String k : kept) b.append("- ").append(k.replaceAll("\\s+", " ")).append('\n');
        }
        return b.toString();
    }

    private static String csvCell(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /** A CSV line's cells, quoted cells ({@link #csvCell}) unquoted. */
    private static List<String> csvCells(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder c = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch == '"') {
                if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    c.append('"');
                    i++;
                } else quoted = !quoted;
            } else if (ch == ',' && !quoted) {
                out.add(c.toString());
                c.setLength(0);
            } else c.append(ch);
        }
        out.add(c.toString());
        return out;
    }

    private static String jsonNum(double v) { return Double.isNaN(v) || Double.isInfinite(v) ? "null" : RunLog.num(v); }

    private static double mean(List<Map<String, Double>> rows, String key) {
        double s = 0;
        int c = 0;
        for (Map<String, Double> r : rows) {
            Double x = r.get(key);
            if (x != null) {
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
}
