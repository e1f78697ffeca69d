package forler.fed;

import forler.data.Dataset;
import forler.data.DatasetBuilder;
import forler.io.RunLog;
import forler.rl.OfflineTraining;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What one cell of an {@link Experiments} grid runs, at one seed: a {@code forler run} federated simulation, whose
 * log is {@code rounds.csv/json}, or a {@code forler train} offline run on one dataset kind, whose log is
 * {@code train.csv/json}. A run found in its folder is reused when its log records the settings {@link #recordedInfo}
 * gives and it is {@link #complete}.
 */
sealed interface ExperimentCell {
    String task();

    /** The log's name: {@code <log>.csv} and {@code <log>.json} in the run's folder. */
    String log();

    /** This cell at seed {@code seed}, written to {@code runDir}, continued when killed, quiet. */
    ExperimentCell forSeed(Path runDir, int seed);

    /** What the run's {@code <log>.json} must record (info key → value) for the run to be reused. */
    Map<String, String> recordedInfo();

    /** {@code recorded} completed with the values of settings older logs did not record yet. */
    default Map<String, String> withLaterSettings(Map<String, String> recorded) { return recorded; }

    /** Whether {@code rows} (the run's log) are the whole run. */
    boolean complete(List<Map<String, Double>> rows);

    /** Runs it (from the start, or continued from its checkpoint when {@code resume}). */
    void run(boolean resume, Function<DatasetBuilder.Request, Dataset> datasets, PrintStream log) throws Exception;

    /** A federated run ({@code forler run}). */
    record Federated(FedSimulation.Options options) implements ExperimentCell {
        public String task() { return options.task(); }

        public String log() { return "rounds"; }

        public ExperimentCell forSeed(Path runDir, int seed) {
            return new Federated(options.withSeed(seed).withOut(runDir).withResume(true).withQuiet(true));
        }

        /** Its settings (as {@link FedSimulation} writes them) and R. */
        public Map<String, String> recordedInfo() {
            Map<String, String> m = new LinkedHashMap<>();
            options.settings().forEach((flag, v) -> m.put(FedSimulation.infoKey(flag), v));
            m.put("rounds", Integer.toString(options.rounds()));
            return m;
        }

        @Override
        public Map<String, String> withLaterSettings(Map<String, String> recorded) {
            FedSimulation.LATER_SETTINGS.forEach((flag, v) -> recorded.putIfAbsent(FedSimulation.infoKey(flag), v));
            return recorded;
        }

        public boolean complete(List<Map<String, Double>> rows) { return rows.size() >= options.rounds(); }

        public void run(boolean resume, Function<DatasetBuilder.Request, Dataset> datasets, PrintStream log) throws Exception {
            new FedSimulation(options.withResume(resume), datasets, log).run();
        }
    }

    /**
     * An offline run ({@code forler train}) of {@code options} on {@code size} transitions of dataset kind {@code kind},
     * built with data seed {@code dataSeed}.
     */
    record Offline(OfflineTraining.Options options, String kind, int size, long dataSeed) implements ExperimentCell {
        public String task() { return options.task(); }

        public String log() { return "train"; }

        public ExperimentCell forSeed(Path runDir, int seed) {
            return new Offline(options.forRun(seed, runDir, true, true), kind, size, dataSeed);
        }

        /** The data's settings, by {@code forler train} flag: recorded in the checkpoint and in train.json. */
        Map<String, String> dataSettings() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("--data", kind);
            m.put("--size", Integer.toString(size));
            m.put("--data-seed", Long.toString(dataSeed));
            return m;
        }

        /** The settings train.json records, the data's included, and the number of steps. */
        public Map<String, String> recordedInfo() {
            Map<String, String> m = new LinkedHashMap<>();
            OfflineTraining.settings(options).forEach((flag, v) -> m.put(RunLog.infoKey(flag), v));
            dataSettings().forEach((flag, v) -> m.put(RunLog.infoKey(flag), v));
            m.put("steps", Integer.toString(options.steps()));
            m.put("eval_every", Integer.toString(options.evalEvery()));
            m.put("eval_episodes", Integer.toString(options.evalEpisodes()));
            return m;
        }

        /** The last evaluation is at the last step. */
        public boolean complete(List<Map<String, Double>> rows) {
            return !rows.isEmpty() && rows.get(rows.size() - 1).getOrDefault("step", -1.0) >= options.steps();
        }

        public void run(boolean resume, Function<DatasetBuilder.Request, Dataset> datasets, PrintStream log) throws IOException {
            Dataset data = datasets.apply(new DatasetBuilder.Request(options.task(), DatasetBuilder.Kind.parse(kind), size, dataSeed, null));
            new OfflineTraining(options.forRun(options.seed(), options.out(), resume, options.quiet()), data, log).recording(dataSettings()).run();
        }
    }
}
