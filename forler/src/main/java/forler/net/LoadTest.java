package forler.net;

import forler.data.Dataset;
import forler.data.DatasetBuilder;
import forler.data.PolicyProvider;
import forler.net.proto.Settings;
import forler.rl.ActorRectification;
import forler.rl.ForlerServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Load test of the gRPC federation on loopback: one server and K device clients as threads of this JVM, over
 * TLS with tokens (as a real deployment), on random pendulum data. Prints each round's latency (and how much
 * of it was waiting for the uploads) and the bytes sent down (broadcasts) and up (uploads).
 * Run: {@code java --add-modules jdk.incubator.vector -cp forler/target/forler-all.jar forler.net.LoadTest --devices 32}
 */
@Command(name = "loadtest", mixinStandardHelpOptions = true, description = "K in-process devices against one gRPC server on loopback.")
public final class LoadTest implements Callable<Integer> {
    @Option(names = "--devices", defaultValue = "32") int devices;
    @Option(names = "--rounds", defaultValue = "5") int rounds;
    @Option(names = "--local-steps", defaultValue = "5", description = "Γ (and G); 0 measures the transport alone: fetch, decode, "
            + "receive, encode, upload, checks, stacking and the broadcast, with no training.") int localSteps;
    @Option(names = "--hidden", defaultValue = "64") int hidden;
    @Option(names = "--batch", defaultValue = "64") int batch;
    @Option(names = "--size", defaultValue = "300", description = "Transitions per device (random pendulum).") int size;
    @Option(names = "--plaintext", description = "No TLS, no tokens (to see what TLS costs).") boolean plaintext;
    @Option(names = "--out", defaultValue = "runs/loadtest") Path out;

    @Override
    public Integer call() throws Exception {
        Settings s = RunSettings.of("pendulum", devices, rounds, localSteps, hidden, 2, batch, 0, 0.5f, 0.1f,
                ActorRectification.Config.defaults(), forler.fed.ObsNorm.NONE); // raw states: the transport is measured
        Path certDir = Files.createTempDirectory("forler-loadtest");
        Certs.Written c = plaintext ? null : Certs.generate(certDir, List.of(), devices);
        Map<Integer, String> tokens = plaintext ? null : TokenAuth.read(c.tokens());
        ServerNode.Options o = new ServerNode.Options(s, localSteps, 1f, false, ForlerServer.Broadcast.AVERAGE, Duration.ofSeconds(600), devices,
                1e6, 0, out, false);
        java.io.PrintStream quiet = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
        ServerNode fed = new ServerNode(data(size, 99), o, System.out);
        ExecutorService pool = Executors.newCachedThreadPool();
        ServerNode.Result r;
        try (GrpcServer g = new GrpcServer(fed, 0, plaintext ? null : c.cert(), plaintext ? null : c.key(),
                plaintext ? null : new TokenAuth(tokens, System.out))) {
            Future<ServerNode.Result> run = pool.submit(fed::run);
            List<Future<DeviceNode.Summary>> devs = new ArrayList<>();
            for (int k = 0; k < devices; k++) {
                int kk = k;
                DeviceNode d = new DeviceNode(new DeviceNode.Options("localhost:" + g.port(), k, plaintext ? null : c.cert(),
                        plaintext ? null : tokens.get(k), null, Duration.ofSeconds(60), 0), x -> data(size, kk), quiet);
                devs.add(pool.submit(() -> { try (d) { return d.run(); } }));
            }
            r = run.get();
            fed.awaitGoodbyes(Duration.ofSeconds(10));
            for (Future<DeviceNode.Summary> f : devs) f.get();
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("%nloadtest: %d devices (%s), hidden %d, %d local steps, batch %d%n", devices, plaintext ? "plaintext" : "TLS + tokens",
                hidden, localSteps, batch);
        System.out.println("round  devices  round_s  upload_wait_s  server_s  bytes_down  bytes_up");
        double sum = 0;
        for (Map<String, Double> row : r.rows()) {
            double rs = row.get("round_s"), w = row.get("upload_wait_s");
            System.out.printf("%5.0f  %7.0f  %7.2f  %13.2f  %8.2f  %10.0f  %8.0f%n", row.get("round"), row.get("devices_received"), rs, w, rs - w,
                    row.get("bytes_down"), row.get("bytes_up"));
            if (row.get("round") > 0) sum += rs;
        }
        System.out.printf("mean round latency over rounds 1..%d: %.2f s; per device and round: %.0f bytes down, %.0f bytes up%n",
                rounds - 1, sum / Math.max(1, rounds - 1), r.rows().get(rounds - 1).get("bytes_down") / devices,
                r.rows().get(rounds - 1).get("bytes_up") / devices);
        return 0;
    }

    private static Dataset data(int n, long seed) {
        return new DatasetBuilder(DatasetBuilder.registryEnvs(), PolicyProvider.none(), null, false)
                .build(new DatasetBuilder.Request("pendulum", DatasetBuilder.Kind.RANDOM, n, seed, null));
    }

    public static void main(String[] args) { System.exit(new CommandLine(new LoadTest()).execute(args)); }
}
