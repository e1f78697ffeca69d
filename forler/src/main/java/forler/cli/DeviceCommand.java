package forler.cli;

import forler.data.DatasetFile;
import forler.data.Dataset;
import forler.data.BehaviourPolicies;
import forler.data.DatasetBuilder;
import forler.data.DatasetCache;
import forler.fed.ObsNorm;
import forler.net.DeviceNode;
import forler.net.RunSettings;
import forler.net.TokenAuth;
import forler.net.proto.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code forler device}: one FORLER device process, training on its own data and talking to {@code forler server}. */
@Command(name = "device", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run FORLER device k against a server: fetch π_o and a critic pair, train Γ local steps, upload the critic; every round.")
public final class DeviceCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--server", required = true, description = "host:port of `forler server`.")
    String server;
    @Option(names = "--id", required = true, description = "Device id k in [0, K).")
    int id;
    @Option(names = "--dataset-file", description = "D_k as an HDF5 file in D4RL's or Minari's layout (else built: --data, --size, with the server's task and seed).")
    Path datasetFile;
    @Option(names = "--data", defaultValue = "medium", description = "Dataset kind D_k is built from (random, medium, expert, medium-replay, medium-expert). Default: ${DEFAULT-VALUE}.")
    String kind;
    @Option(names = "--kind", hidden = true, description = "Renamed --data.")
    String oldKind;
    @Option(names = "--size", defaultValue = "5000", description = "|D_k| when built. Default: ${DEFAULT-VALUE}.")
    int size;
    @Option(names = "--obs-norm", description = "The state normalisation this device expects (server, own or none): the server's --obs-norm "
            + "decides and is sent to the devices; a device given another one stops naming both (default: the server's, whose default is server).")
    String obsNorm;
    @Option(names = "--token", description = "This device's token (its line of the server's tokens file).")
    String token;
    @Option(names = "--token-file", description = "A tokens file; the device takes the token of its --id.")
    Path tokenFile;
    @Option(names = "--ca", description = "PEM certificate the server's must chain to (`forler certs` writes server.crt).")
    Path ca;
    @Option(names = "--plaintext", description = "No TLS (loopback experiments only).")
    boolean plaintext;
    @Option(names = "--state", description = "The device's state file, written after every round (default: runs/device-<id>.safetensors).")
    Path state;
    @Option(names = "--resume", description = "Continue from --state after a restart (the server's run must be the one it was saved in).")
    boolean resume;
    @Option(names = "--overwrite", description = "Start afresh, replacing a --state left by an earlier run (without it, such a --state is refused unless --resume).")
    boolean overwrite;
    @Option(names = "--give-up-s", defaultValue = "300", description = "Seconds to keep retrying an unreachable server. Default: ${DEFAULT-VALUE}.")
    int giveUpS;
    @Option(names = "--step-delay-ms", defaultValue = "0", hidden = true, description = "Sleep after each local step (simulates a slow device in fault tests).")
    int stepDelayMs;
    @Option(names = "--clip-actions", description = "Clip --dataset-file's actions outside the task's bounds (with a warning) instead of refusing the file.")
    boolean clipActions;
    @Option(names = "--cache", description = "Dataset cache folder (default: -Dforler.cache, else cache/datasets).")
    Path cache;

    @Override
    public Integer call() throws Exception {
        Checks.renamed("--kind", oldKind, "give the dataset kind with --data (a file with --dataset-file)");
        Checks.oneSource(spec, "--data", datasetFile, "--dataset-file");
        if (!plaintext && ca == null) throw new IllegalArgumentException("give --ca CERT (the server's server.crt), or --plaintext on loopback");
        String tok = token != null ? token : tokenFile != null ? TokenAuth.read(tokenFile).get(id) : null;
        if (tokenFile != null && tok == null) throw new IllegalArgumentException(tokenFile + " has no token for device " + id);
        Checks.atLeast("--id", id, 0);
        Checks.atLeast("--size", size, 1);
        Checks.atLeast("--give-up-s", giveUpS, 1);
        Checks.file("--ca", ca);
        Checks.file("--dataset-file", datasetFile);
        Checks.folder("--cache", cache);
        Checks.kinds("--data", java.util.List.of(kind), "--dataset-file");
        ObsNorm expected = obsNorm == null ? null : ObsNorm.parse(obsNorm);
        if (expected == ObsNorm.POOLED) throw new IllegalArgumentException(ObsNorm.POOLED_APART);
        Path st = state != null ? state : Path.of("runs", "device-" + id + ".safetensors");
        freshState(st);
        Dataset file = datasetFile != null ? DatasetFile.read(datasetFile) : null; // a bad file is named now, not after connecting
        DeviceNode.Options o = new DeviceNode.Options(server, id, plaintext ? null : ca, tok, st, Duration.ofSeconds(giveUpS), stepDelayMs);
        try (DeviceNode dev = new DeviceNode(o, s -> {
            agree(expected, s);
            return file != null ? Checks.taskData("--dataset-file", datasetFile, file, s.getTask(), clipActions, System.err) : dataset(s);
        }, System.out)) {
            dev.run();
        }
        return 0;
    }

    /**
     * A --state left by an earlier run is resumed only with --resume (re-running the same commands for a new run
     * would otherwise continue the old run's device), replaced with --overwrite, and otherwise refused.
     */
    private void freshState(Path st) throws java.io.IOException {
        if (resume && overwrite) throw new IllegalArgumentException("give --resume or --overwrite, not both");
        if (resume || !java.nio.file.Files.exists(st)) return;
        if (!overwrite) {
            throw new IllegalArgumentException("--state " + st + " holds device " + id + "'s state from an earlier run: give --resume to continue "
                    + "it (after a restart), or --overwrite (or another --state) to start afresh");
        }
        java.nio.file.Files.delete(st);
    }

    /** Refuses a server whose --obs-norm is not the one this device was given (none given: the server's is taken). */
    private void agree(ObsNorm expected, Settings s) {
        ObsNorm rule = RunSettings.obsNorm(s);
        if (expected != null && expected != rule) {
            throw new IllegalArgumentException("device " + id + ": --obs-norm " + expected.flag() + " but the server " + server + " runs --obs-norm "
                    + rule.flag() + ": the server's setting decides: give the device --obs-norm " + rule.flag() + " (or leave the flag out)");
        }
    }

    /** D_k built as `forler run` builds device k's (seed·100 + k). */
    private Dataset dataset(Settings s) {
        DatasetBuilder builder = new DatasetBuilder(DatasetBuilder.registryEnvs(), BehaviourPolicies.provider(),
                cache == null ? DatasetCache.defaultCache() : new DatasetCache(cache), false);
        return builder.build(new DatasetBuilder.Request(s.getTask(), DatasetBuilder.Kind.parse(kind), size, s.getSeed() * 100 + id, null));
    }

    public static void main(String[] args) { System.exit(new CommandLine(new DeviceCommand()).execute(args)); }
}
