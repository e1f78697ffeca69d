package forler.cli;

import forler.fed.Summary;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code forler report DIR}: an experiment's summary tables and plots, made again from its runs' logs (and its shards merged). */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write the summary of every experiment under DIR (the --out of `forler experiment`, or one of its experiment folders) "
                + "from its runs' rounds.csv/json: summary.md (table), summary.csv (the numbers), summary.json (keyed by variant) and "
                + "<id>.png, <id>-local.png, <id>-local-all.png. Shards of one sweep found under one folder are merged. Refuses runs of "
                + "mixed settings, unfinished runs and variants with different seeds. Reads the older <id>/runs/<variant>-s<S>/ layout too. "
                + "With --progress: where the runs stand, unfinished ones welcome."})
public final class ReportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(index = "0", paramLabel = "DIR", description = "Folder holding the runs.")
    Path dir;
    @Option(names = "--score", paramLabel = "last-N", description = "A run's score: the mean of its last N rounds. Default: last-3, as `forler experiment`.")
    String score;
    @Option(names = "--rounds", paramLabel = "A:B", description = "A run's score: the mean of rounds A to B (inclusive) instead of --score.")
    String rounds;
    @Option(names = "--stat", defaultValue = "mean", paramLabel = "S",
            description = "What a run's score makes of those rounds: mean, max (its best round) or swing (the mean absolute change "
                    + "from one evaluated round to the next). Default: ${DEFAULT-VALUE}.")
    String stat;
    @Option(names = "--policy", split = ",", defaultValue = "global,local,good-local", paramLabel = "P",
            description = "Policies in the table and plots: global, local (all devices), good-local (devices without random data). Default: ${DEFAULT-VALUE}.")
    List<String> policies;
    @Option(names = "--curves", description = "Also draw every run's learning curve (curve.png in its folder) from its rounds.csv.")
    boolean curves;
    @Option(names = "--copy-to", paramLabel = "NEW",
            description = "First copy the runs' logs (rounds.csv/json) into NEW in the current layout (<id>/<task>/<variant>/seed-<S>/), "
                    + "e.g. to bring runs of the older <id>/runs/<variant>-s<S>/ layout over, then write the summary and a README.md there; DIR is left as it is.")
    Path copyTo;
    @Option(names = "--progress",
            description = "Instead of the summary, print where the runs stand, unfinished ones welcome, and write nothing: per run its rounds "
                    + "done, last evaluation, score so far (--score, --rounds, --stat), seconds per round (an offline run: per evaluation), "
                    + "the time its remaining rounds take and whether a checkpoint waits for --resume; the seeds and variants not started; the total left.")
    boolean progress;

    @Override
    public Integer call() throws Exception {
        if (score != null && rounds != null) throw new IllegalArgumentException("give --score or --rounds, not both");
        Summary.Rule rule = (rounds != null ? Summary.Rule.rounds(rounds) : score != null ? Summary.Rule.lastN(score) : Summary.Rule.DEFAULT)
                .with(Summary.Stat.parse(stat));
        if (progress) {
            if (copyTo != null || curves) throw new IllegalArgumentException("--progress writes nothing: leave out --copy-to and --curves");
            Summary.progress(dir, rule, spec.commandLine().getOut());
            return 0;
        }
        Set<Summary.Policy> chosen = EnumSet.noneOf(Summary.Policy.class);
        for (String p : policies) chosen.add(Summary.Policy.parse(p));
        Map<Path, Map<String, String>> done = Summary.reportAll(dir, rule, chosen, curves, copyTo, System.out);
        if (copyTo != null) {
            for (Map.Entry<Path, Map<String, String>> e : done.entrySet()) {
                ExperimentReadme.writeCopied(e.getKey(), e.getKey().getFileName().toString(), dir, e.getValue());
            }
        }
        return 0;
    }
}
