package forler.cli;

import static forler.cli.MainTest.forler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every number of the README's results tables that comes from an experiment is what {@code forler report} makes of
 * the committed runs under {@code results/}, at the printed precision, so the tables cannot drift from the runs; and
 * each committed {@code summary.csv} is byte for byte what {@code report} writes again from its runs' logs.
 */
class ReadmeTablesTest {
    private static final Path RESULTS = Path.of("..", "results"), README = Path.of("..", "README.md"), RESULTS_MD = Path.of("..", "docs", "results.md");
    private static final List<String> E1 = List.of("forler", "fedcql", "fedtd3bc", "fedora", "cql"), E5 = List.of("forler", "fedcql", "fedtd3bc", "fedora");

    @TempDir
    Path tmp;
    /** Reports made so far: "folder score-rule" → summary.csv by variant, then column. */
    private final Map<String, Map<String, Map<String, Double>>> reports = new HashMap<>();
    /** The same reports' summary.md. */
    private final Map<String, String> tables = new HashMap<>();

    /** {@code forler report} of a copy of {@code results/<name>/<id>} (with {@code --score}, when given): its summary.csv by variant. */
    private Map<String, Map<String, Double>> report(String folder, String score) throws IOException {
        return report(folder, score, p -> true);
    }

    /** As {@link #report(String, String)}, on a copy of only the files {@code keep} accepts (finished variants of a running experiment). */
    private Map<String, Map<String, Double>> report(String folder, String score, java.util.function.Predicate<Path> keep) throws IOException {
        String key = folder + " " + score;
        if (reports.containsKey(key)) return reports.get(key);
        Path from = RESULTS.resolve(folder), to = tmp.resolve(key.replace(' ', '_').replace('/', '_'));
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                if (!keep.test(p)) continue;
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(q);
                else if (!p.getFileName().toString().endsWith(".png")) Files.copy(p, q);
            }
        }
        List<String> args = new ArrayList<>(List.of("report", to.toString(), "--policy", "global"));
        if (score != null) args.addAll(score.startsWith("--") ? List.of(score.split(" ")) : List.of("--score", score)); // a rule, or the flags of one
        MainTest.Outcome o = forler(args.toArray(String[]::new));
        assertEquals(0, o.code(), folder + ": " + o.err());
        if (score == null) {
            assertEquals(Files.readString(from.resolve("summary.csv")), Files.readString(to.resolve("summary.csv")),
                    "results/" + folder + "/summary.csv is what `forler report` writes from its runs");
        }
        List<String> lines = Files.readAllLines(to.resolve("summary.csv"));
        String[] head = lines.get(0).split(",", -1);
        Map<String, Map<String, Double>> byVariant = new LinkedHashMap<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] c = l.split(",", -1);
            Map<String, Double> v = new HashMap<>();
            for (int i = 2; i < c.length; i++) if (!c[i].isEmpty()) v.put(head[i], Double.parseDouble(c[i]));
            byVariant.put(c[0], v);
        }
        reports.put(key, byVariant);
        tables.put(key, Files.readString(to.resolve("summary.md")));
        return byVariant;
    }

    private double v(String folder, String variant, String column) throws IOException { return v(folder, null, variant, column); }

    private double v(String folder, String score, String variant, String column) throws IOException {
        Map<String, Double> row = report(folder, score).get(variant);
        assertTrue(row != null && row.containsKey(column), "results/" + folder + " has no " + column + " for " + variant);
        return row.get(column);
    }

    /** A variant's global score as the README prints it: mean ± std, one decimal. */
    private String g(String folder, String variant) throws IOException {
        return f(v(folder, variant, "global_mean")) + " ± " + f(v(folder, variant, "global_std"));
    }

    private static String f(double x) { return String.format(Locale.ROOT, "%.1f", x); }

    /** The share of its score a method keeps with the 2 random devices, as E5's summary.md prints it ({@code global} or {@code good devices' local}). */
    private String kept(String folder, String score, String method, String side) throws IOException {
        report(folder, score);
        Matcher m = Pattern.compile("- " + method + " with 2 random devices keeps (\\S+) of its global score and (\\S+) of its good devices' local score")
                .matcher(tables.get(folder + " " + score));
        assertTrue(m.find(), "results/" + folder + "'s summary.md has no share kept for " + method);
        return m.group(side.equals("global") ? 1 : 2);
    }

    /** The README table row that starts with {@code first}: its cells, bold marks gone and the minus sign made ASCII. */
    private static List<String> row(String first) throws IOException { return row(README, first); }

    /** The table row of {@code file} that starts with {@code first} (indented or not), as {@link #row(String)}. */
    private static List<String> row(Path file, String first) throws IOException {
        List<String> rows = Files.readAllLines(file).stream().filter(l -> l.strip().startsWith("| " + first)).toList();
        assertEquals(1, rows.size(), "one " + file.getFileName() + " table row starts with '" + first + "'");
        List<String> cells = new ArrayList<>();
        for (String c : rows.get(0).split("\\|")) cells.add(c.replace("**", "").replace('−', '-').trim());
        return cells.subList(1, cells.size());
    }

    /** Cells {@code from} … of a README row equal {@code expected}. */
    private static void assertRow(String first, int from, List<String> expected) throws IOException {
        List<String> cells = row(first);
        assertEquals(expected, cells.subList(from, from + expected.size()), "README row '" + first + "' against `forler report` of the committed runs");
    }

    @Test
    void e1TableIsTheReportOfTheCommittedRuns() throws IOException {
        List<String> pendulum = new ArrayList<>(), eval50 = new ArrayList<>(), mujoco = new ArrayList<>(), hopper = new ArrayList<>();
        for (String a : E1) {
            pendulum.add(g("pendulum/e1", a + "-pendulum"));
            eval50.add(g("e1-eval50/e1", a + "-pendulum"));
            double sum = 0;
            for (String task : List.of("halfcheetah", "hopper", "walker2d", "ant")) sum += v("mujoco-delta1/e1", a + "-" + task, "global_mean");
            mujoco.add(f(sum / 4));
            hopper.add(g("mujoco-long/e1", a + "-hopper"));
        }
        assertRow("pendulum, 3 devices", 2, pendulum);
        assertRow("the same, 50 evaluation episodes", 2, eval50);
        assertRow("halfcheetah / hopper / walker2d / ant, mean of the four", 2, mujoco);
        assertRow("hopper | 5·10³ steps/device", 2, hopper);
        // the paper's budget, per task while it runs: a method's cell is its score once its three seeds are finished, else
        // "running" (an unfinished variant is left out of the report, which refuses it); the mean row once every task has it
        Map<String, List<Double>> byMethod = new HashMap<>();
        for (String[] t : new String[][] {{"hopper", "e1-paper/e1"}, {"halfcheetah", "e1-paper-halfcheetah/e1"}, {"walker2d", "e1-paper-walker2d/e1"}}) {
            Path root = RESULTS.resolve(t[1]);
            java.util.function.Predicate<Path> finished = p -> {
                Path rel = root.relativize(p);
                return rel.getNameCount() < 2 || seedsFinished(root.resolve(rel.subpath(0, 2)));
            };
            Map<String, Map<String, Double>> runs = report(t[1], "last-3", finished);
            List<String> cells = new ArrayList<>();
            for (String a : E1) {
                Map<String, Double> r = runs.get(a + "-" + t[0]); // null while the variant runs
                cells.add(r == null ? "running" : f(r.get("global_mean")) + " ± " + f(r.get("global_std")));
                if (r != null) byMethod.computeIfAbsent(a, k -> new ArrayList<>()).add(r.get("global_mean"));
            }
            assertRow(t[0] + ", the paper's budget", 2, cells);
        }
        List<String> mean = new ArrayList<>();
        for (String a : E1) {
            List<Double> xs = byMethod.getOrDefault(a, List.of());
            mean.add(xs.size() < 3 ? "running" : f(xs.stream().mapToDouble(Double::doubleValue).average().orElseThrow()));
        }
        assertRow("hopper / halfcheetah / walker2d, mean of the three, the paper's budget", 2, mean);
    }

    /**
     * The D_o = 5000 row of the Q1 table and the paragraph on it in docs/results.md: the last-3 score, and the level and swing over rounds
     * 300–999 of FORLER with D_o = 5000 and 1000 and of every baseline, as {@code forler report --rounds 300:999} gives them.
     */
    @Test
    void paperBudgetDo5000RowAndWhyAreTheReportOfTheRuns() throws IOException {
        assertRow("hopper, D_o = 5000, the paper's budget", 2, List.of(g("e1-paper-do5000/e1", "forler-hopper"), "—", "—", "—", "—"));
        String readme = Files.readString(RESULTS_MD).replace("**", "").replaceAll("\\s+", " ");
        String level = "--rounds 300:999", swing = "--rounds 300:999 --stat swing";
        List<String> expected = new ArrayList<>(List.of(
                "averages " + f(v("e1-paper-do5000/e1", level, "forler-hopper", "global_mean")) + " over rounds 300–999",
                f(v("e1-paper/e1", level, "forler-hopper", "global_mean")) + " with D_o = 1000)",
                "above Fed-CQL's " + f(v("e1-paper/e1", level, "fedcql-hopper", "global_mean")) + " and Fed-TD3BC's "
                        + f(v("e1-paper/e1", level, "fedtd3bc-hopper", "global_mean")) + " over the same rounds, below FEDORA's "
                        + f(v("e1-paper/e1", level, "fedora-hopper", "global_mean")) + " and centralized CQL's "
                        + f(v("e1-paper/e1", level, "cql-hopper", "global_mean")),
                "local policies " + f(v("e1-paper-do5000/e1", level, "forler-hopper", "local_mean")) + " ("
                        + f(v("e1-paper/e1", level, "forler-hopper", "local_mean")) + ")",
                "changes by " + f(v("e1-paper-do5000/e1", swing, "forler-hopper", "global_mean")) + " on average",
                f(v("e1-paper/e1", swing, "forler-hopper", "global_mean")) + " with D_o = 1000; Fed-TD3BC "
                        + f(v("e1-paper/e1", swing, "fedtd3bc-hopper", "global_mean")) + ", Fed-CQL "
                        + f(v("e1-paper/e1", swing, "fedcql-hopper", "global_mean")) + ", FEDORA "
                        + f(v("e1-paper/e1", swing, "fedora-hopper", "global_mean")) + ", centralized CQL "
                        + f(v("e1-paper/e1", swing, "cql-hopper", "global_mean"))));
        for (String e : expected) assertTrue(readme.contains(e), "docs/results.md's paragraph on D_o = 5000 lacks '" + e + "'");
    }

    /** The two server ablations on top of D_o = 5000: README rows and docs/results.md's numbers, from the runs. */
    @Test
    void paperBudgetServerAblationsAreTheReportOfTheRuns() throws IOException {
        String own = "e1-paper-own/e1", omega = "e1-paper-omega/e1", base = "e1-paper-do5000/e1", v = "forler-hopper";
        assertRow("the same, each device its own critic pair back", 2, List.of(g(own, v), "—", "—", "—", "—"));
        assertRow("the same, ω_s per head", 2, List.of(g(omega, v), "—", "—", "—", "—"));
        String level = "--rounds 300:999", swing = "--rounds 300:999 --stat swing";
        String doc = Files.readString(RESULTS_MD).replace("**", "").replaceAll("\\s+", " ");
        for (String e : List.of(
                "averages " + f(v(own, level, v, "global_mean")) + " with each device given its own pair back",
                f(v(omega, level, v, "global_mean")) + " with ω_s per head",
                "against " + f(v(base, level, v, "global_mean")) + " with the averaged pairs",
                "it changes by " + f(v(own, swing, v, "global_mean")) + " from one evaluation to the next",
                "ω_s per head " + f(v(omega, swing, v, "global_mean")) + ")",
                "E1's last-3 score is " + g(own, v) + " (" + g(base, v) + ";",
                "ω_s per head " + g(omega, v) + ",",
                "local policies score " + f(v(own, level, v, "local_mean")) + " (own) and " + f(v(omega, level, v, "local_mean")) + " (per head)"))
            assertTrue(doc.contains(e), "docs/results.md's paragraph on the server ablations lacks '" + e + "'");
    }

    /** True when all three seeds of a variant folder have logged every round their rounds.json asks for. */
    private static boolean seedsFinished(Path variant) {
        return java.util.stream.IntStream.range(0, 3).allMatch(i -> {
            Path seed = variant.resolve("seed-" + i);
            try {
                Matcher m = Pattern.compile("\"rounds\": \"(\\d+)\"").matcher(Files.readString(seed.resolve("rounds.json")));
                return m.find() && Files.readAllLines(seed.resolve("rounds.csv")).size() == Integer.parseInt(m.group(1)) + 1;
            } catch (IOException | RuntimeException e) {
                return false; // not started
            }
        });
    }

    @Test
    void e2ToE4TableIsTheReportOfTheCommittedRuns() throws IOException {
        for (String[] e : new String[][] {{"ahead at every device count", "pendulum/e2", "devices", "2", "4", "6"},
                {"ahead at every data size", "pendulum/e3", "size", "1000", "2500", "5000"}}) {
            List<String> cells = new ArrayList<>();
            for (String a : List.of("forler", "fedora")) {
                List<String> xs = new ArrayList<>();
                for (int i = 3; i < 6; i++) xs.add(f(v(e[1], a + "-" + e[2] + "-" + e[i], "global_mean")));
                cells.add(String.join(" / ", xs));
            }
            assertRow(e[0], 1, cells);
        }
        String e4 = "pendulum/e4";
        String alpha1 = range(e4, "alpha1-0.25", "alpha1-0.5", "alpha1-1.0"), alpha2 = range(e4, "alpha2-0.0", "alpha2-0.1", "alpha2-0.5", "alpha2-1.0");
        assertRow("stable in α1", 1, List.of(alpha1 + ", " + alpha2));
        String verdict = row("stable in α1").get(3);
        String local = "(α1: " + f(v(e4, "alpha1-0.0", "local_mean")) + " → " + f(v(e4, "alpha1-1.0", "local_mean")) + ")";
        assertTrue(verdict.endsWith(local), verdict + " against " + local);
    }

    /** min–max of the variants' global means, one decimal. */
    private String range(String folder, String... variants) throws IOException {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (String s : variants) {
            lo = Math.min(lo, v(folder, s, "global_mean"));
            hi = Math.max(hi, v(folder, s, "global_mean"));
        }
        return f(lo) + "–" + f(hi);
    }

    @Test
    void e5TableIsTheReportOfTheCommittedRuns() throws IOException {
        String d1000 = "e5-eval50/e5", d5000 = "e5-do5000/e5";
        List<String> global = new ArrayList<>(), good = new ArrayList<>();
        for (String a : E5.subList(1, E5.size())) {
            global.add(kept(d1000, null, a, "global"));
            good.add(kept(d1000, null, a, "good"));
        }
        List<String> row = new ArrayList<>(List.of(kept(d1000, null, "forler", "global")));
        row.addAll(global);
        assertRow("global policy, D_o = 1000 (default)", 1, row);
        row = new ArrayList<>(List.of(kept(d5000, null, "forler", "global") + " (" + kept(d5000, "last-10", "forler", "global") + " over the last 10 rounds)"));
        row.addAll(global);
        assertRow("global policy, D_o = 5000", 1, row);
        row = new ArrayList<>(List.of(kept(d1000, null, "forler", "good") + " (" + kept(d1000, "last-10", "forler", "good") + " over the last 10)"));
        row.addAll(good);
        assertRow("good devices' own policies, D_o = 1000", 1, row);
    }

    @Test
    void e6AndE7TableIsTheReportOfTheCommittedRuns() throws IOException {
        String e6 = "pendulum/e6", e6eval50 = "e6-eval50/e6", e4 = "pendulum/e4";
        assertRow("δ = 5 scores within 5 points of δ = 1", 1, List.of(g(e6, "delta-5") + " vs " + g(e6, "delta-1") + " (50 episodes: "
                + f(v(e6eval50, "delta-5", "global_mean")) + " vs " + f(v(e6eval50, "delta-1", "global_mean")) + "); δ up to 20 no worse"));
        assertRow("rectification helps", 1, List.of("global " + f(v(e4, "alpha1-0.5", "global_mean")) + " vs " + g(e4, "alpha1-0.0") + "; local "
                + f(v(e4, "alpha1-0.5", "local_mean")) + " vs " + f(v(e4, "alpha1-0.0", "local_mean")) + " ± " + f(v(e4, "alpha1-0.0", "local_std"))));
        List<String> q = new ArrayList<>();
        for (String d : List.of("1", "2", "5", "10", "20")) q.add(String.format(Locale.ROOT, "%.0f", v(e6, "delta-" + d, "q_evals_per_state_step")));
        assertTrue(row("Q-evaluations per state per step").get(1).startsWith(String.join(", ", q) + " for δ = 1, 2, 5, 10, 20: exact"),
                row("Q-evaluations per state per step").get(1) + " against " + q);
    }

    /** docs/results.md's offline table: the pendulum runs' report, 5000 steps (both algorithms) and 20000 (TD3+BC, two kinds). */
    @Test
    void offlineTableInResultsMdIsTheReportOfTheCommittedRuns() throws IOException {
        for (String algo : List.of("td3bc", "cql"))
            for (String kind : List.of("medium", "medium-replay", "medium-expert")) {
                String variant = algo + "-" + kind;
                boolean longer = algo.equals("td3bc") && !kind.equals("medium-replay");
                List<String> expected = List.of(g("pendulum/offline", variant), longer ? g("pendulum-long/offline", variant) : "–");
                List<String> cells = row(RESULTS_MD, algo + " | " + kind + " |");
                assertEquals(expected, cells.subList(2, 4), "docs/results.md offline row " + variant + " against `forler report` of the committed runs");
            }
    }

    /**
     * docs/results.md's table of the E5 ablation (FORLER's swings): each row's global score over the last 10 rounds,
     * best round and mean absolute change per round (rounds 10–29) is {@code report}'s of its folder and variant.
     */
    @Test
    void swingsTableInResultsMdIsTheReportOfTheCommittedRuns() throws IOException {
        String[][] rows = {
                {"as E5 (D_o = 1000, ω_s = 1, average broadcast, α1 = 0.5) | 5 |", "e5-long/e5", "forler-4good"},
                {"the same runs, evaluated on 50 episodes |", "swings-eval50/swings", "base"},
                {"ω_s = 0 (plain SAC-N server) |", "swings-eval5/swings", "omega-s-0"},
                {"ω_s = 8 |", "swings-eval5/swings", "omega-s-8"},
                {"`--broadcast own` |", "swings-eval5/swings", "broadcast-own"},
                {"no rectification (α1 = 0) | 5 |", "swings-eval5/swings", "no-rectification"},
                {"G = 25 server steps", "swings-eval50/swings", "server-steps-25"},
                {"G = 400 server steps", "swings-eval50/swings", "server-steps-400"},
                {"D_o = 5000 | 5 |", "swings-eval5/swings", "server-size-5000"},
                {"D_o = 5000 | 50 |", "swings-eval50/swings", "server-size-5000"},
                {"D_o = 5000, + 2 random devices | 50 |", "swings-eval50/swings", "server-size-5000-4good+2random"},
                {"D_o = 5000, `--broadcast own` | 50 |", "swings-eval50/swings", "server-size-5000-own"},
                {"D_o = 5000, `--broadcast own`, + 2 random devices |", "swings-eval50/swings", "server-size-5000-own-4good+2random"},
                {"D_o = 5000, **6 seeds** |", "e5-do5000/e5", "forler-4good"},
                {"D_o = 5000, + 2 random devices, **6 seeds** |", "e5-do5000/e5", "forler-4good+2random"},
                {"no rectification (α1 = 0) | 50 |", "swings-eval50/swings", "no-rectification"},
                {"no rectification (α1 = 0), + 2 random devices |", "swings-eval50/swings", "no-rectification-4good+2random"}};
        List<String> rules = List.of("last-10", "--rounds 0:29 --stat max", "--rounds 10:29 --stat swing");
        for (String[] r : rows) {
            List<String> expected = new ArrayList<>();
            for (String rule : rules) expected.add(f(v(r[1], rule, r[2], "global_mean")) + " ± " + f(v(r[1], rule, r[2], "global_std")));
            assertEquals(expected, row(RESULTS_MD, r[0]).subList(2, 5), "docs/results.md swings row '" + r[0] + "' against `forler report`");
        }
        List<String> baselines = new ArrayList<>();
        for (String rule : rules) {
            List<String> m = new ArrayList<>();
            for (String a : List.of("fedcql", "fedtd3bc", "fedora")) m.add(f(v("e5-long/e5", rule, a + "-4good", "global_mean")));
            baselines.add(String.join(" / ", m));
        }
        assertEquals(baselines, row(RESULTS_MD, "*baselines from E5-long").subList(2, 5), "docs/results.md swings baselines row");
    }

    /** Every other experiment folder under results/ reports again to its committed summary.csv too (the moved runs are complete). */
    @Test
    void everyCommittedSummaryIsTheReportOfItsRuns() throws IOException {
        List<String> folders = new ArrayList<>();
        try (Stream<Path> s = Files.walk(RESULTS)) {
            s.filter(p -> p.getFileName().toString().equals("summary.md")).forEach(p -> folders.add(RESULTS.relativize(p.getParent()).toString()));
        }
        assertTrue(folders.size() >= 18, "experiment folders under results/: " + folders);
        for (String f : folders) report(f, null);
    }
}
