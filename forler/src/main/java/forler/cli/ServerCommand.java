package forler.cli;

import forler.data.DatasetFile;
import forler.data.Dataset;
import forler.data.BehaviourPolicies;
import forler.data.DatasetBuilder;
import forler.data.DatasetCache;
import forler.fed.ObsNorm;
import forler.net.ServerNode;
import forler.net.GrpcServer;
import forler.net.RunSettings;
import forler.net.TokenAuth;
import forler.net.proto.Settings;
import forler.rl.ActorRectification;
import forler.rl.ForlerServer;
import forler.io.RunDir;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code forler server}: FORLER's server process; devices connect with {@code forler device} (docs/grpc.md). */
@Command(name = "server", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run FORLER's server over gRPC (TLS, per-device tokens): R rounds with K devices, a deadline per round, checkpoints in --out.")
public final class ServerCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--port", defaultValue = "50051", description = "Port to listen on. Default: ${DEFAULT-VALUE}.")
    int port;
    @Option(names = "--bind", description = "Address to listen on (default: 127.0.0.1, this machine only, with --plaintext or --no-auth: "
            + "without TLS or tokens anyone who reaches the port could join or read the run; every interface, 0.0.0.0, with TLS and tokens).")
    String bind;
    @Option(names = "--devices", defaultValue = "3", description = "Number of devices K. Default: ${DEFAULT-VALUE}.")
    int devices;
    @Option(names = "--task", defaultValue = "pendulum", description = "Task (see `forler tasks`). Default: ${DEFAULT-VALUE}.")
    String task;
    @Option(names = "--rounds", defaultValue = "10", description = "Rounds R. Default: ${DEFAULT-VALUE}.")
    int rounds;
    @Option(names = "--local-steps", defaultValue = "100", description = "Local steps per round Γ (the server runs G = Γ unless --server-steps). Default: ${DEFAULT-VALUE}.")
    int localSteps;
    @Option(names = "--server-file", description = "The server's D_o as an HDF5 file in D4RL's or Minari's layout (else built: --server-data, --server-size).")
    Path serverFile;
    @Option(names = "--server-data", defaultValue = "medium,medium-replay,expert", split = ",",
            description = "Dataset kinds D_o is built from (an equal share of each), as `forler run --server-data`. Default: ${DEFAULT-VALUE}.")
    List<String> serverData;
    @Option(names = "--data", hidden = true, description = "Renamed --server-data.")
    String oldData;
    @Option(names = "--server-size", defaultValue = "1000", description = "Transitions of D_o when built. Default: ${DEFAULT-VALUE}.")
    int serverSize;
    @Mixin
    SearchOptions search;
    @Option(names = "--obs-norm", defaultValue = "server",
            description = "State normalisation, as `forler run --obs-norm` (sent to the devices): server (every network from D_o's statistics), "
                    + "own (each device from its own data, the server and the global policy from D_o) or none; pooled needs the devices' data in one place. "
                    + "Default: ${DEFAULT-VALUE}.")
    String obsNorm;
    @Option(names = "--adversary", hidden = true, description = "A `forler run` setting, refused here.")
    String adversary;
    @Option(names = "--reject-outliers", hidden = true, description = "A `forler run` setting, refused here.")
    boolean rejectOutliers;
    @Option(names = "--alpha1", defaultValue = "0.5", description = "α1 (Eq. 4). Default: ${DEFAULT-VALUE}.")
    float alpha1;
    @Option(names = "--alpha2", defaultValue = "0.1", description = "α2 (Eq. 4). Default: ${DEFAULT-VALUE}.")
    float alpha2;
    @Mixin
    ServerOptions server;
    @Option(names = "--hidden", defaultValue = "256", description = "Hidden width. Default: ${DEFAULT-VALUE}.")
    int hidden;
    @Option(names = "--depth", description = "Hidden layers (default: 2, 3 for MuJoCo tasks).")
    Integer depth;
    @Option(names = "--batch", defaultValue = "256", description = "Minibatch size. Default: ${DEFAULT-VALUE}.")
    int batch;
    @Option(names = "--seed", defaultValue = "0", description = "Seed of everything (devices derive theirs from it). Default: ${DEFAULT-VALUE}.")
    long seed;
    @Option(names = "--tls-cert", description = "PEM certificate chain (`forler certs` writes server.crt).")
    Path tlsCert;
    @Option(names = "--tls-key", description = "PEM PKCS#8 private key (server.key).")
    Path tlsKey;
    @Option(names = "--plaintext", description = "No TLS (loopback experiments only).")
    boolean plaintext;
    @Option(names = "--tokens", description = "Tokens file, `<device id> <token>` per line (`forler certs` writes tokens.txt).")
    Path tokens;
    @Option(names = "--no-auth", description = "Accept calls without a token (loopback experiments only).")
    boolean noAuth;
    @Option(names = "--deadline-s", defaultValue = "600", description = "Seconds a round waits for uploads; late or missing devices are left out of it. Default: ${DEFAULT-VALUE}.")
    double deadlineS;
    @Option(names = "--min-devices", defaultValue = "1", description = "Uploads needed to close a round at its deadline (else it waits another deadline). Default: ${DEFAULT-VALUE}.")
    int minDevices;
    @Option(names = "--max-norm", defaultValue = "1e4", description = "Uploads whose critic parameters have a larger L2 norm are rejected. Default: ${DEFAULT-VALUE}.")
    double maxNorm;
    @Option(names = "--eval-episodes", defaultValue = "5", description = "Evaluation episodes of the global policy per round (0: none). Default: ${DEFAULT-VALUE}.")
    int evalEpisodes;
    @Option(names = "--out", description = "Output folder: rounds.csv/json, checkpoint.safetensors (default: runs/forler-grpc-<task>-s<seed>).")
    Path out;
    @Option(names = "--resume", description = "Continue from the checkpoint in --out.")
    boolean resume;
    @Option(names = "--clip-actions", description = "Clip --server-file's actions outside the task's bounds (with a warning) instead of refusing the file.")
    boolean clipActions;
    @Option(names = "--overwrite", description = "Replace the run already in --out (without it, such an --out is refused unless --resume).")
    boolean overwrite;
    @Option(names = "--cache", description = "Dataset cache folder (default: -Dforler.cache, else cache/datasets).")
    Path cache;

    @Override
    public Integer call() throws Exception {
        Checks.renamed("--data", oldData, "give the kinds of the server's D_o with --server-data (a file with --server-file)");
        Checks.oneSource(spec, "--server-data", serverFile, "--server-file");
        Checks.runOnly("--adversary", adversary != null, "a poisoning device is simulated in one process (forler run --adversary)");
        Checks.runOnly("--reject-outliers", rejectOutliers, "uploads are checked for shape, finite values and --max-norm only");
        Checks.atLeast("--devices", devices, 1);
        Checks.atLeast("--rounds", rounds, 1);
        Checks.atLeast("--local-steps", localSteps, 1);
        ActorRectification.Config rc = search.config(); // --delta, --samples, --iterations, --search-*
        Checks.atLeast("--hidden", hidden, 1);
        Checks.atLeast("--batch", batch, 1);
        Checks.atLeast("--server-size", serverSize, 1);
        Checks.atLeast("--eval-episodes", evalEpisodes, 0);
        Checks.atLeast("--min-devices", minDevices, 1);
        if (minDevices > devices) throw new IllegalArgumentException("--min-devices " + minDevices + " is more than --devices " + devices);
        Checks.weight("--alpha1", alpha1);
        Checks.weight("--alpha2", alpha2);
        if (!(deadlineS > 0) || Double.isInfinite(deadlineS)) throw new IllegalArgumentException("--deadline-s must be a finite number > 0, got " + deadlineS);
        if (!(maxNorm > 0)) throw new IllegalArgumentException("--max-norm must be > 0, got " + maxNorm);
        Checks.file("--server-file", serverFile);
        Checks.folder("--cache", cache);
        Checks.kinds("--server-data", serverData, "--server-file");
        String address = bindAddress(bind, plaintext, noAuth);
        if (!plaintext && (tlsCert == null || tlsKey == null)) {
            throw new IllegalArgumentException("give --tls-cert and --tls-key (make them with `forler certs --out DIR`), or --plaintext on loopback");
        }
        if (!noAuth && tokens == null) throw new IllegalArgumentException("give --tokens FILE (`forler certs` writes tokens.txt), or --no-auth on loopback");
        ForlerServer.Broadcast b = server.broadcast();
        int d = depth != null ? depth : forler.fed.FedSimulation.defaultDepth(task);
        Checks.atLeast("--depth", d, 1);
        Checks.fitsInMemory(task, hidden, d, 2, serverSize);
        Settings s = RunSettings.of(task, devices, rounds, localSteps, hidden, d, batch, seed, alpha1, alpha2, rc, ObsNorm.parse(obsNorm));
        Path dir = out != null ? out : Path.of("runs", "forler-grpc-" + task + "-s" + seed);
        try (RunDir held = RunDir.open(dir, RunCommand.RUN_FILES, resume, overwrite)) {
            return serve(s, b, rc, dir, address);
        }
    }

    /**
     * --bind, checked, or its default: without TLS or tokens anyone who reaches the port could join or read the run,
     * so loopback only; with both, every interface.
     */
    static String bindAddress(String bind, boolean plaintext, boolean noAuth) {
        if (bind == null) return plaintext || noAuth ? "127.0.0.1" : "0.0.0.0";
        try {
            java.net.InetAddress.getByName(bind);
            return bind;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("--bind " + bind + ": not an address or host name (give e.g. 127.0.0.1, or this machine's address)");
        }
    }

    private int serve(Settings s, ForlerServer.Broadcast b, ActorRectification.Config rc, Path dir, String address) throws Exception {
        ServerNode.Options o = new ServerNode.Options(s, server.serverSteps(localSteps), server.omegaS(), server.omegaSPerHead, b, Duration.ofMillis((long) (deadlineS * 1000)), minDevices,
                maxNorm, evalEpisodes, dir, resume);
        ServerNode fed = new ServerNode(serverDataset(), o, System.out);
        TokenAuth auth = noAuth ? null : new TokenAuth(TokenAuth.read(tokens), System.out);
        try (GrpcServer g = new GrpcServer(fed, address, port, plaintext ? null : tlsCert, plaintext ? null : tlsKey, auth)) {
            System.out.printf("server: listening on " + address + ":%d (%s, %s): %d devices, %d rounds × %d local steps, deadline %.0f s → %s%n",
                    g.port(), plaintext ? "plaintext" : "TLS", noAuth ? "no tokens" : "tokens", devices, rounds, localSteps, deadlineS, dir);
            fed.run();
            fed.awaitGoodbyes(Duration.ofSeconds(10));
        }
        System.out.println("server: done; see " + dir.resolve("rounds.csv"));
        return 0;
    }

    /** D_o: the file, or built as `forler run` builds it (an equal share of each kind, seed·100 + 99). */
    private Dataset serverDataset() throws Exception {
        if (serverFile != null) return Checks.taskData("--server-file", serverFile, DatasetFile.read(serverFile), task, clipActions, System.err);
        DatasetBuilder builder = new DatasetBuilder(DatasetBuilder.registryEnvs(), BehaviourPolicies.provider(),
                cache == null ? DatasetCache.defaultCache() : new DatasetCache(cache), true);
        LinkedHashSet<String> kinds = new LinkedHashSet<>(serverData);
        List<Dataset> parts = new ArrayList<>();
        for (String k : kinds) {
            parts.add(builder.build(new DatasetBuilder.Request(task, DatasetBuilder.Kind.parse(k), Math.max(1, serverSize / kinds.size()),
                    seed * 100 + 99, null)));
        }
        return Dataset.concat(parts);
    }

    public static void main(String[] args) { System.exit(new CommandLine(new ServerCommand()).execute(args)); }
}
