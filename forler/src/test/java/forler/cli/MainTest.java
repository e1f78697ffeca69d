package forler.cli;

import static org.junit.jupiter.api.Assertions.*;

import forler.io.RunDir;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI in-process, as a user meets it: every bad input is one line on stderr and exit code 2, and no run is lost or mixed. */
class MainTest {
    record Outcome(int code, String out, String err) {}

    static Outcome forler(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Outcome(code, out.toString(), err.toString());
    }

    /** Every command's help renders without a picocli warning (a lone '%' in a description once printed one). */
    @Test
    void everyHelpRendersWithoutAWarning() {
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream warnings = new java.io.ByteArrayOutputStream();
        List<String> names = new ArrayList<>();
        System.setErr(new java.io.PrintStream(warnings, true));
        try {
            java.util.Deque<picocli.CommandLine> todo = new java.util.ArrayDeque<>(List.of(new picocli.CommandLine(new Main())));
            while (!todo.isEmpty()) {
                picocli.CommandLine c = todo.pop();
                names.add(c.getCommandSpec().qualifiedName());
                c.getUsageMessage();
                todo.addAll(c.getSubcommands().values());
            }
        } finally {
            System.setErr(saved);
        }
        assertTrue(names.contains("forler behaviour ship"), names.toString());
        assertEquals("", warnings.toString(), "warnings while rendering the help of " + names);
    }

    /** Asserts exit code 2 and one line on stderr that contains every one of {@code words}. */
    static String refused(Outcome o, String... words) {
        assertEquals(2, o.code(), "exit code; stderr: " + o.err());
        List<String> lines = o.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "one line on stderr, got:\n" + o.err());
        for (String w : words) assertTrue(lines.get(0).contains(w), "'" + w + "' missing from: " + lines.get(0));
        return lines.get(0);
    }

    /** A run of a few seconds: 2 devices of random data (no behaviour policy needed), 1 round of 2 steps, width 8. */
    static String[] tinyRun(Path dir, String... more) {
        List<String> a = new ArrayList<>(List.of("run", "--devices", "2", "--data", "random", "--size", "100", "--server-size", "50",
                "--rounds", "1", "--local-steps", "2", "--hidden", "8", "--batch", "16", "--samples", "3", "--iterations", "1",
                "--eval-episodes", "1", "--cache", dir.resolve("cache").toString()));
        a.addAll(Arrays.asList(more));
        return a.toArray(String[]::new);
    }

    @Test
    void everyBadFlagIsOneLineNamingTheFlag(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "not a folder, not a dataset");
        Path out = dir.resolve("never");
        String[][] cases = {
                {"--batch must be >= 1", "run", "--batch", "0"},
                {"--hidden must be >= 1", "run", "--hidden", "0"},
                {"--hidden 100000", "run", "--hidden", "100000"},
                {"--size", "run", "--size", "2000000000"},
                {"--alpha1", "run", "--alpha1", "NaN"},
                {"--alpha1", "run", "--alpha1", "-3"},
                {"--alpha2", "run", "--alpha2", "Infinity"},
                {"--delta must be >= 1", "run", "--delta", "0"},
                {"--depth must be >= 1", "run", "--depth", "0"},
                {"--eval-every must be >= 1", "run", "--eval-every", "0"},
                {"--device-threads must be >= 0", "run", "--device-threads", "-1"},
                {"--obs-norm must be own, server, pooled or none", "run", "--obs-norm", "global"},
                {"--search-temp must be fixed or spread", "run", "--search-temp", "hot"},
                {"--search-init must be zero or policy", "run", "--search-init", "data"},
                {"--search-init-std must be a finite number > 0", "run", "--search-init-std", "0"},
                {"--broadcast must be average, own or mix", "run", "--broadcast", "all"},
                {"--adversary must be none, flip or inflate", "run", "--adversary", "negate"},
                {"not --algo cql", "run", "--algo", "cql", "--reject-outliers"},
                {"--cache", "run", "--cache", file.toString()},
                {"--devices is 2", "run", "--devices", "2", "--data", "medium,expert,random,medium-replay"},
                {"--batch must be >= 1", "experiment", "e1", "--batch", "0"},
                {"--variants: adversary has no variant 'foo'; its variants: forler-adversary-none,", "experiment", "adversary", "--variants", "foo"},
                {"--batch must be >= 1", "train", "--batch", "0"},
                {"--hidden 100000", "train", "--hidden", "100000"},
                {"--cache", "train", "--cache", file.toString()},
                {"--min-devices must be >= 1", "server", "--plaintext", "--no-auth", "--min-devices", "0"},
                {"--alpha1", "server", "--plaintext", "--no-auth", "--alpha1", "NaN"},
                {"--obs-norm pooled needs every device's data in one place", "server", "--plaintext", "--no-auth", "--obs-norm", "pooled"},
                {"--obs-norm must be own, server, pooled or none", "server", "--plaintext", "--no-auth", "--obs-norm", "global"},
                {"--search-temp must be fixed or spread", "server", "--plaintext", "--no-auth", "--search-temp", "hot"},
                {"--search-init-std must be a finite number > 0", "server", "--plaintext", "--no-auth", "--search-init-std", "NaN"},
                {"--adversary is a `forler run` setting that `forler server` does not support", "server", "--plaintext", "--no-auth", "--adversary", "flip"},
                {"--reject-outliers is a `forler run` setting", "server", "--plaintext", "--no-auth", "--reject-outliers"},
                {"--obs-norm pooled needs", "device", "--server", "127.0.0.1:1", "--id", "0", "--plaintext", "--obs-norm", "pooled"},
                {"no such file", "behaviour", "--policy", dir.resolve("missing.safetensors").toString()},
                {file.toString(), "behaviour", "--policy", file.toString()},
                {file.toString(), "device", "--server", "127.0.0.1:1", "--id", "0", "--plaintext", "--dataset-file", file.toString()},
                {"--bind", "server", "--plaintext", "--no-auth", "--bind", "no-such-host.invalid"},
                {"Unknown option", "run", "--no-such-flag"},
                {"Invalid value", "run", "--batch", "many"},
        };
        for (String[] c : cases) {
            String[] args = new String[c.length - 1 + 2];
            System.arraycopy(c, 1, args, 0, c.length - 1);
            args[c.length - 1] = "--out"; // were any of these to run, it would be here
            args[c.length] = out.toString();
            if (c[1].equals("behaviour") || c[1].equals("device")) args = Arrays.copyOf(args, c.length - 1);
            refused(forler(args), c[0]);
        }
        assertFalse(Files.exists(out), "a refused run leaves no folder");
    }

    @Test
    void anUnreachableServerIsOneLine(@TempDir Path dir) {
        refused(forler("device", "--server", "127.0.0.1:1", "--id", "0", "--plaintext", "--give-up-s", "1",
                "--state", dir.resolve("d.safetensors").toString(), "--dataset-file", "random"), "--dataset-file: no file");
        String line = refused(forler("device", "--server", "127.0.0.1:1", "--id", "0", "--plaintext", "--give-up-s", "1",
                "--data", "random", "--state", dir.resolve("d.safetensors").toString()), "unreachable", "127.0.0.1:1");
        assertFalse(line.contains("\tat "), line);
    }

    @Test
    void debugAddsTheStackTrace() {
        Outcome o = forler("run", "--batch", "0", "--debug");
        assertEquals(2, o.code());
        assertTrue(o.err().lines().anyMatch(l -> l.contains("\tat forler.cli.")), o.err());
    }

    @Test
    void aRunRefusesAnOutHoldingARunUnlessResumedWithTheSameSettingsOrOverwritten(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        assertEquals(0, forler(tinyRun(dir, "--out", out.toString())).code());
        byte[] first = Files.readAllBytes(out.resolve("rounds.csv"));
        refused(forler(tinyRun(dir, "--out", out.toString(), "--seed", "7")), "already holds a run", "--resume", "--overwrite");
        assertArrayEquals(first, Files.readAllBytes(out.resolve("rounds.csv")), "the refused run changed the first one's log");
        // --resume with a setting that changes the numbers: the flag, both values, what to do
        refused(forler(set(tinyRun(dir, "--out", out.toString(), "--resume"), "--seed", "7")), "--seed is 7", "--seed 0", "--overwrite");
        refused(forler(set(tinyRun(dir, "--out", out.toString(), "--resume"), "--delta", "2")), "--delta is 2", "--delta 1");
        refused(forler(set(tinyRun(dir, "--out", out.toString(), "--resume"), "--server-steps", "3")), "--server-steps is 3", "--server-steps 2");
        refused(forler(set(tinyRun(dir, "--out", out.toString(), "--resume"), "--batch", "8")), "--batch is 8", "--batch 16");
        refused(forler(set(tinyRun(dir, "--out", out.toString(), "--resume"), "--hidden", "16")), "--hidden is 16", "--hidden 8");
        refused(forler(set(tinyRun(dir, "--out", out.toString(), "--resume"), "--local-steps", "3")), "--local-steps is 3");
        refused(forler(set(tinyRun(dir, "--out", out.toString(), "--resume"), "--alpha1", "0.25")), "--alpha1 is 0.25");
        refused(forler(set(tinyRun(dir, "--out", out.toString(), "--resume"), "--data", "random,medium")), "--data is random,medium");
        // --resume with the same settings and more rounds goes on; --overwrite starts afresh
        assertEquals(0, forler(set(tinyRun(dir, "--out", out.toString(), "--resume"), "--rounds", "2")).code());
        assertEquals(2, forler.io.RunLog.readCsv(out.resolve("rounds.csv")).size());
        assertEquals(0, forler(set(tinyRun(dir, "--out", out.toString(), "--overwrite"), "--seed", "7")).code());
        assertEquals(1, forler.io.RunLog.readCsv(out.resolve("rounds.csv")).size());
        assertTrue(Files.readString(out.resolve("rounds.json")).contains("\"seed\": \"7\""));
    }

    @Test
    void aSecondWriterIsRefusedWhileTheFirstHoldsTheLock(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        try (RunDir held = RunDir.open(out, RunCommand.RUN_FILES, false, false)) {
            refused(forler(tinyRun(dir, "--out", out.toString())), "in use by another run", ".lock");
        }
        // released (as when the OS drops a crashed process's lock): the next run goes ahead
        assertEquals(0, forler(tinyRun(dir, "--out", out.toString())).code());
    }

    @Test
    void identicalRunsWriteIdenticalCsvsWithIntegersAsIntegers(@TempDir Path dir) throws Exception {
        assertEquals(0, forler(tinyRun(dir, "--out", dir.resolve("a").toString())).code());
        assertEquals(0, forler(tinyRun(dir, "--out", dir.resolve("b").toString())).code());
        List<String> a = withoutTimes(dir.resolve("a").resolve("rounds.csv")), b = withoutTimes(dir.resolve("b").resolve("rounds.csv"));
        assertEquals(a, b);
        // the device columns in the order the critic's update names them (a Map.of gave a per-JVM random order)
        assertTrue(a.get(0).contains("device_critic_loss,device_td_loss,device_cql_loss,device_q_data"), a.get(0));
        assertTrue(a.get(1).startsWith("0,2,"), "round and steps as integers: " + a.get(1));
    }

    /** The CSV's lines with the columns that measure time (wall_s and the round's phases, device_s … checkpoint_s) cut out. */
    static List<String> withoutTimes(Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        List<String> head = Arrays.asList(lines.get(0).split(","));
        assertTrue(head.containsAll(List.of("wall_s", "device_s", "server_s", "eval_s", "checkpoint_s")), lines.get(0));
        return lines.stream().map(l -> {
            String[] c = l.split(",", -1);
            List<String> kept = new ArrayList<>();
            for (int i = 0; i < c.length; i++) if (!head.get(i).endsWith("_s")) kept.add(c[i]);
            return String.join(",", kept);
        }).toList();
    }

    @Test
    void theHarnessAndAblationFlagsReachTheRunsRecord(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        String[] args = set(tinyRun(dir, "--eval-every", "2", "--device-threads", "1", "--obs-norm", "pooled",
                "--search-temp", "spread", "--search-init", "policy", "--search-init-std", "0.5", "--broadcast", "mix", "--omega-s-per-head",
                "--out", out.toString()), "--rounds", "2");
        MainTest.Outcome ran = forler(args);
        assertEquals(0, ran.code(), ran.err());
        String json = Files.readString(out.resolve("rounds.json"));
        for (String kv : List.of("\"obs_norm\": \"pooled\"", "\"search_temp\": \"spread\"", "\"search_init\": \"policy\"",
                "\"search_init_std\": \"0.5\"", "\"broadcast\": \"mix\"",
                "\"omega_s_per_head\": \"true\"", "\"eval_every\": \"2\"")) {
            assertTrue(json.contains(kv), kv + " missing from " + json);
        }
        List<String> csv = Files.readAllLines(out.resolve("rounds.csv"));
        int col = Arrays.asList(csv.get(0).split(",")).indexOf("global_score");
        assertEquals("NaN", csv.get(1).split(",")[col], "round 0 is not evaluated with --eval-every 2");
        assertNotEquals("NaN", csv.get(2).split(",")[col], "round 1 is");
        // --resume compares the new settings: another normalisation is refused, naming the flag
        refused(forler(concat(set(set(args, "--rounds", "3"), "--obs-norm", "own"), "--resume")), "--obs-norm is own", "--obs-norm pooled");
    }

    @Test
    void trainRefusesAResumeWithOtherSettings(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("train");
        String[] base = {"train", "--data", "random", "--size", "100", "--steps", "2", "--eval-every", "1", "--eval-episodes", "1",
                "--hidden", "8", "--batch", "16", "--cache", dir.resolve("cache").toString(), "--out", out.toString()};
        assertEquals(0, forler(base).code());
        refused(forler(base), "already holds a run");
        refused(forler(set(concat(base, "--resume"), "--seed", "3")), "--seed is 3", "--seed 0");
        refused(forler(set(concat(base, "--resume"), "--depth", "3")), "--depth is 3", "--depth 2");
        refused(forler(set(concat(base, "--resume"), "--data", "medium")), "--data is medium", "--data random");
    }

    @Test
    void aDatasetFileWithActionsOutsideTheTasksBoundsIsRefusedOrClippedOnRequest(@TempDir Path dir) throws Exception {
        // pendulum's torque lies in [-2, 2]; the same transitions with every action ×3 (a file in other units)
        forler.data.Dataset d = new forler.data.DatasetBuilder(forler.data.DatasetBuilder.registryEnvs(), forler.data.PolicyProvider.none(), null, false)
                .build(new forler.data.DatasetBuilder.Request("pendulum", forler.data.DatasetBuilder.Kind.RANDOM, 50, 0, null));
        float[] a = d.actions().clone();
        for (int i = 0; i < a.length; i++) a[i] *= 3;
        Path file = dir.resolve("scaled.hdf5");
        forler.data.D4rlIO.write(file, new forler.data.Dataset(d.obsDim(), d.actDim(), d.observations(), a, d.rewards(), d.nextObservations(),
                d.terminals(), d.timeouts()), java.util.Map.of());
        String[] train = {"train", "--dataset-file", file.toString(), "--steps", "1", "--eval-every", "1", "--eval-episodes", "1", "--hidden", "8",
                "--batch", "16", "--out", dir.resolve("t").toString()};
        refused(forler(train), "--dataset-file", file.toString(), "action values lie outside", "[-2.0]", "--clip-actions");
        assertFalse(Files.exists(dir.resolve("t")), "a refused run leaves no folder");
        assertEquals(0, forler(concat(train, "--clip-actions")).code());
        // a file of another task: named, with both dimensions
        refused(forler(set(set(train, "--task", "mountaincar"), "--out", dir.resolve("m").toString())), file.toString(), "3/1", "2/1");
    }

    @Test
    void certsRefusesToReplaceKeys(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("server.key"), "the deployed key");
        refused(forler("certs", "--out", dir.toString()), "server.key", "lock out");
        assertEquals("the deployed key", Files.readString(dir.resolve("server.key")));
    }

    /** {@code args} with {@code flag}'s value replaced, or the flag added (picocli refuses a flag given twice). */
    static String[] set(String[] args, String flag, String value) {
        List<String> a = new ArrayList<>(Arrays.asList(args));
        int i = a.indexOf(flag);
        if (i >= 0) a.set(i + 1, value);
        else a.addAll(List.of(flag, value));
        return a.toArray(String[]::new);
    }

    @Test
    void distillHelpShowsTheDefaultsAsNumbers() {
        forler.rl.Dagger.Config d = forler.rl.Dagger.Config.defaults();
        String help = forler("distill", "--help").out();
        assertFalse(help.contains("Dagger.Config"), help);
        for (int v : new int[] {d.iterations(), d.episodesPerIteration(), d.gradSteps(), d.hidden()}) {
            assertTrue(help.contains("(default: " + v + ")"), v + " missing from:\n" + help);
        }
    }

    @Test
    void aDamagedLogOnResumeNamesTheFileAndLine(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        assertEquals(0, forler(tinyRun(dir, "--out", out.toString())).code());
        Path csv = out.resolve("rounds.csv");
        Files.writeString(csv, Files.readString(csv).replaceFirst("\n0,", "\ngarbage,"));
        refused(forler(set(tinyRun(dir, "--out", out.toString(), "--resume"), "--rounds", "2")), csv.toString(), "line 2", "garbage", "--overwrite");
        Files.writeString(csv, Files.readString(csv).lines().findFirst().orElseThrow() + "\n"); // cut to its header
        refused(forler(set(tinyRun(dir, "--out", out.toString(), "--resume"), "--rounds", "2")), csv.toString(), "has 0 rounds", "--overwrite");
        Files.delete(csv);
        refused(forler(set(tinyRun(dir, "--out", out.toString(), "--resume"), "--rounds", "2")), csv.toString(), "is missing", "--overwrite");
    }

    @Test
    void oldFlagNamesAreRefusedNamingTheNewOnes(@TempDir Path dir) {
        String state = dir.resolve("d.safetensors").toString();
        String[] device = {"device", "--server", "127.0.0.1:1", "--id", "0", "--plaintext", "--state", state};
        // one name for dataset kinds (--data, --server-data) and one for files (--dataset-file, --server-file) in every command
        refused(forler(concat(device, "--kind", "random")), "--kind was renamed", "--data");
        refused(forler(concat(device, "--data", "/data/hopper-medium.hdf5")), "--data takes dataset kinds", "--dataset-file");
        refused(forler("train", "--dataset", "random"), "--dataset was renamed", "--data", "--dataset-file");
        refused(forler("train", "--data", "d4rl/hopper.hdf5"), "--data takes dataset kinds", "--dataset-file");
        refused(forler("server", "--plaintext", "--no-auth", "--data", "random"), "--data was renamed", "--server-data", "--server-file");
        refused(forler("server", "--plaintext", "--no-auth", "--server-data", "do.hdf5"), "--server-data takes dataset kinds", "--server-file");
        refused(forler("dataset", "--kind", "random", "--size", "10"), "--kind was renamed", "--data");
        refused(forler("run", "--data", "medium,d.hdf5"), "--data takes dataset kinds");
        refused(forler("train", "--data", "medium", "--dataset-file", state), "--data", "--dataset-file", "not both");
        refused(forler(concat(device, "--data", "medium", "--dataset-file", state)), "--data", "--dataset-file", "not both");
        refused(forler("server", "--plaintext", "--no-auth", "--server-data", "medium", "--server-file", state), "--server-data", "--server-file", "not both");
        refused(forler("experiment", "e1", "--server-data", "mediocre"), "--server-data", "unknown dataset kind 'mediocre'");
        assertFalse(Files.exists(Path.of(state)));
    }

    @Test
    void experimentWritesOutsideTheRepositoryByDefault() {
        String help = forler("experiment", "--help").out().replaceAll("\\s+", " ");
        assertTrue(help.contains("Default: runs/experiments"), help);
    }

    @Test
    void taskHasTheSameDefaultInEveryCommand() {
        for (String cmd : List.of("run", "experiment", "server", "train", "dataset", "sac")) {
            String task = forler(cmd, "--help").out().lines().filter(l -> l.trim().startsWith("--task")).findFirst().orElse("");
            assertTrue(task.toLowerCase(java.util.Locale.ROOT).contains("default: pendulum"), cmd + ": " + task);
        }
        String distill = forler("distill", "--help").out().replaceAll("\\s+", " ");
        assertTrue(distill.contains("bipedalwalker is the only one (default: bipedalwalker)"), distill);
    }

    @Test
    void aDeviceStateLeftByAnEarlierRunIsResumedOnlyWhenAskedTo(@TempDir Path dir) throws Exception {
        Path state = Files.writeString(dir.resolve("d.safetensors"), "an earlier run's device state");
        String[] device = {"device", "--server", "127.0.0.1:1", "--id", "0", "--plaintext", "--give-up-s", "1", "--data", "random",
                "--state", state.toString()};
        refused(forler(device), "--state " + state, "earlier run", "--resume", "--overwrite");
        assertTrue(Files.exists(state), "the refused device deleted the state");
        refused(forler(concat(device, "--resume", "--overwrite")), "--resume or --overwrite");
        // --overwrite starts afresh (the old state gone); the unreachable server is the next thing it meets
        refused(forler(concat(device, "--overwrite")), "unreachable");
        assertFalse(Files.exists(state));
    }

    @Test
    void serverBindsToLoopbackUnlessTlsAndTokensAreOn() {
        assertEquals("127.0.0.1", ServerCommand.bindAddress(null, true, true));
        assertEquals("127.0.0.1", ServerCommand.bindAddress(null, true, false));
        assertEquals("127.0.0.1", ServerCommand.bindAddress(null, false, true));
        assertEquals("0.0.0.0", ServerCommand.bindAddress(null, false, false));
        assertEquals("::1", ServerCommand.bindAddress("::1", true, true));
        String help = forler("server", "--help").out();
        assertTrue(help.contains("--bind") && help.contains("127.0.0.1") && help.contains("0.0.0.0"), help);
    }

    @Test
    void aServerRefusesAnOutHoldingARun(@TempDir Path dir) throws Exception {
        Path out = Files.createDirectories(dir.resolve("server"));
        Files.writeString(out.resolve("rounds.csv"), "round\n0\n");
        refused(forler("server", "--plaintext", "--no-auth", "--out", out.toString()), "already holds a run", "--resume", "--overwrite");
        assertEquals("round\n0\n", Files.readString(out.resolve("rounds.csv")));
    }

    @Test
    void anEmptyOrUnwritablePathIsNamedWithWhatIsWrong(@TempDir Path dir) throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.hdf5"));
        refused(forler("train", "--dataset-file", empty.toString(), "--out", dir.resolve("t").toString()), empty.toString(), "empty (0 bytes)");
        String line = refused(forler(tinyRun(dir, "--out", "/proc/forler-probe")), "/proc/forler-probe");
        assertTrue(line.length() > line.indexOf("/proc/forler-probe") + "/proc/forler-probe".length() + 5, "only the path: " + line);
    }

    @Test
    void theLogCountsRoundsFromOneAsTheBarAndSaysScoresAreNormalised(@TempDir Path dir) throws Exception {
        java.io.PrintStream stdout = System.out;
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertEquals(0, forler(set(tinyRun(dir, "--out", dir.resolve("r").toString()), "--rounds", "2")).code());
        } finally {
            System.setOut(stdout);
        }
        String log = buf.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(log.contains("round 1/2: global score") && log.contains("round 2/2: global score"), log);
        assertFalse(log.contains("round 0"), log);
        assertTrue(log.lines().filter(l -> l.contains("score")).allMatch(l -> l.contains("normalised: 0 = random, 100 = expert")), log);
    }

    static String[] concat(String[] a, String... b) {
        String[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
