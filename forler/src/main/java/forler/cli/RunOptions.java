package forler.cli;

import forler.data.BehaviourPolicies;
import forler.data.DatasetBuilder;
import forler.data.DatasetCache;
import forler.fed.Adversary;
import forler.fed.FedSimulation;
import forler.fed.ObsNorm;
import forler.rl.ActorRectification;
import forler.rl.ForlerServer;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The flags of one federated run, shared by {@code forler run} and {@code forler experiment}. */
public final class RunOptions {
    @Option(names = "--algo", defaultValue = "forler", description = "forler, fedcql, fedtd3bc, fedora or cql (centralized on pooled data). Default: ${DEFAULT-VALUE}.")
    String algo;
    @Option(names = "--task", defaultValue = "pendulum", description = "Task (see `forler tasks`). Default: ${DEFAULT-VALUE}.")
    String task;
    @Option(names = "--devices", defaultValue = "3", description = "Number of devices K. Default: ${DEFAULT-VALUE}.")
    int devices;
    @Option(names = "--data", defaultValue = "medium,medium-replay,expert", split = ",",
            description = "Dataset kind per device, cycled over the K devices (random, medium, expert, medium-replay, medium-expert). Default: ${DEFAULT-VALUE}.")
    List<String> data;
    @Option(names = "--size", defaultValue = "5000", description = "Transitions per device |D_k|. Default: ${DEFAULT-VALUE}.")
    int size;
    @Option(names = "--server-size", defaultValue = "1000", description = "Transitions of the server's D_o. Default: ${DEFAULT-VALUE}.")
    int serverSize;
    @Option(names = "--server-data", split = ",", defaultValue = "",
            description = "Dataset kinds of the server's D_o, in equal shares (default: the devices' kinds of --data).")
    List<String> serverData;
    @Option(names = "--rounds", defaultValue = "10", description = "Rounds R. Default: ${DEFAULT-VALUE}.")
    int rounds;
    @Option(names = "--local-steps", defaultValue = "100", description = "Local steps per round Γ (FORLER's server runs G = Γ). Default: ${DEFAULT-VALUE}.")
    int localSteps;
    @Mixin
    SearchOptions search;
    @Option(names = "--alpha1", defaultValue = "0.5", description = "α1, weight of ‖π − â‖² (Eq. 4). Default: ${DEFAULT-VALUE}.")
    float alpha1;
    @Option(names = "--alpha2", defaultValue = "0.1", description = "α2, weight of ‖π − π₀‖² (Eq. 4). Default: ${DEFAULT-VALUE}.")
    float alpha2;
    @Mixin
    ServerOptions server;
    @Option(names = "--obs-norm", defaultValue = "server",
            description = "State normalisation: server (every network from D_o's statistics), own (each device from its own data, the server and the global policy from D_o), pooled (all devices' data) or none. Default: ${DEFAULT-VALUE}.")
    String obsNorm;
    @Option(names = "--adversary", defaultValue = "none",
            description = "The last device uploads poisoned critics (it trains honestly): flip (the output layer's sign flipped, Q → −Q), "
                    + "inflate (the output bias raised by 100, Q → Q + 100 on every action) or none; FORLER, Fed-CQL, Fed-TD3BC, FEDORA. Default: ${DEFAULT-VALUE}.")
    String adversary;
    @Option(names = "--reject-outliers",
            description = "The server leaves out an uploaded critic whose mean Q on a fixed minibatch of D_o lies more than 3 median absolute "
                    + "deviations from the median of the uploads (needs >= 3 uploads); rounds.csv counts them in `rejected`.")
    boolean rejectOutliers;
    @Mixin
    NetOptions net;
    @Option(names = "--eval-episodes", defaultValue = "5", description = "Evaluation episodes per policy per evaluation. Default: ${DEFAULT-VALUE}.")
    int evalEpisodes;
    @Option(names = "--eval-every", defaultValue = "1",
            description = "Evaluate the policies every N rounds and after the last (other rounds log NaN scores). Default: ${DEFAULT-VALUE}.")
    int evalEvery;
    @Option(names = "--device-threads", defaultValue = "0",
            description = "Threads training the devices of a round (0: min(K, processors); 1 for --algo cql, one learner); with fewer threads than devices they "
                    + "take the devices' steps in chunks of 10, the device furthest behind first. With at least as many threads as "
                    + "processors each device's products stay on its thread; with fewer they also use the GEMM backend's threads "
                    + "(-Dforler.threads). The split changes no numbers. Default: ${DEFAULT-VALUE}.")
    int deviceThreads;
    @Option(names = "--keep-checkpoints", paramLabel = "FROM",
            description = "Also keep the checkpoint of every round from FROM on (counted from 0, as rounds.csv) as checkpoints/round-<R>.safetensors "
                    + "in the run's folder, for `forler inspect`; changes no number. Default: none kept.")
    Integer keepFrom;
    @Option(names = "--seed", defaultValue = "0", description = "Seed of everything. Default: ${DEFAULT-VALUE}.")
    long seed;
    Path out;
    @Option(names = "--resume", description = "Continue from the checkpoint in --out, bit-exactly.")
    boolean resume;
    @Option(names = "--cache", description = "Dataset cache folder (default: -Dforler.cache, else cache/datasets).")
    Path cache;


    /** The dataset builder these flags select (shipped behaviour policies, cache folder). */
    DatasetBuilder datasets() {
        return new DatasetBuilder(DatasetBuilder.registryEnvs(), BehaviourPolicies.provider(),
                cache == null ? DatasetCache.defaultCache() : new DatasetCache(cache), true);
    }

    /** The run's options, every flag checked (one line naming the flag) before anything is built. */
    FedSimulation.Options options(Path defaultOut) {
        Checks.atLeast("--devices", devices, 1);
        Checks.atLeast("--rounds", rounds, 1);
        Checks.atLeast("--local-steps", localSteps, 1);
        ActorRectification.Config rc = search.config(); // --delta, --samples, --iterations, --search-*
        Checks.atLeast("--size", size, 1);
        Checks.atLeast("--server-size", serverSize, 1);
        Checks.atLeast("--eval-episodes", evalEpisodes, 1);
        Checks.atLeast("--eval-every", evalEvery, 1);
        Checks.atLeast("--device-threads", deviceThreads, 0);
        if (keepFrom != null) Checks.atLeast("--keep-checkpoints", keepFrom, 0);
        Checks.weight("--alpha1", alpha1);
        Checks.weight("--alpha2", alpha2);
        Checks.folder("--cache", cache);
        Adversary adv = Adversary.parse(adversary);
        if (algo.equals("cql") && (adv != Adversary.NONE || rejectOutliers)) {
            throw new IllegalArgumentException("--adversary and --reject-outliers need devices that upload critics: not --algo cql (one learner)");
        }
        net.check(task);
        Checks.kindsFitDevices(data, devices);
        // networks: a few per device (actor, critics, targets) and the server's; data: every device's and D_o
        Checks.fitsInMemory(task, net.hidden, net.depth(task), devices + 1, (long) devices * size + serverSize);
        ForlerServer.Broadcast b = server.broadcast();
        Checks.kinds("--data", data, null);
        List<String> serverKinds = serverData.stream().filter(k -> !k.isBlank()).toList();
        Checks.kinds("--server-data", serverKinds, null);
        return FedSimulation.Options.defaults().withAlgo(algo).withTask(task).withDevices(devices).withKinds(data).withPerDevice(size)
                .withServerSize(serverSize).withServerKinds(serverKinds).withRounds(rounds).withLocalSteps(localSteps)
                .withEvalEpisodes(evalEpisodes).withEvalEvery(evalEvery).withSeed(seed).withOut(out != null ? out : defaultOut)
                .withResume(resume).withHidden(net.hidden).withDepth(net.depth(task)).withBatch(net.batch).withRect(rc)
                .withAlpha1(alpha1).withAlpha2(alpha2).withOmegaS(server.omegaS()).withOmegaSPerHead(server.omegaSPerHead)
                .withServerSteps(server.serverSteps(localSteps)).withBroadcast(b).withObsNorm(ObsNorm.parse(obsNorm))
                .withDeviceThreads(deviceThreads).withAdversary(adv).withRejectOutliers(rejectOutliers)
                .withKeepCheckpoints(keepFrom == null ? -1 : keepFrom);
    }
}
