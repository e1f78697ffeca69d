package forler.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import forler.cli.DeviceCommand;
import forler.cli.ServerCommand;
import forler.fed.Forler;
import forler.fed.ObsNorm;
import forler.io.StateDict;
import forler.net.proto.Settings;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Devices and servers as separate JVMs (the `forler device` / `forler server` commands), TLS and tokens on loopback. */
class ProcessTest {
    @TempDir Path dir;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<Process> started = new ArrayList<>();
    private final NetFixture.Capture log = new NetFixture.Capture();

    @AfterEach
    void stop() {
        for (Process p : started) p.destroyForcibly();
        pool.shutdownNow();
    }

    /** A JVM running {@code main} of {@code cls} on the test class path; output to {@code name}.log. */
    private Process java(Class<?> cls, String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xss4m", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true"));
        String backend = System.getProperty("forler.backend");
        if (backend != null) cmd.add("-Dforler.backend=" + backend);
        cmd.addAll(List.of("-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), cls.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
        started.add(p);
        return p;
    }

    private Process device(int port, int k, String... extra) throws IOException {
        List<String> a = new ArrayList<>(List.of("--server", "localhost:" + port, "--id", "" + k, "--data", "random",
                "--size", "" + NetFixture.DEVICE_SIZE, "--token-file", NetFixture.certs().tokens().toString(),
                "--ca", NetFixture.certs().cert().toString(), "--state", dir.resolve("device" + k + ".safetensors").toString(),
                "--cache", dir.resolve("cache").toString(), "--give-up-s", "60"));
        a.addAll(List.of(extra));
        return java(DeviceCommand.class, "device" + k + "-" + started.size(), a.toArray(new String[0]));
    }

    private GrpcServer serve(ServerNode fed) throws IOException {
        Certs.Written c = NetFixture.certs();
        return new GrpcServer(fed, 0, c.cert(), c.key(), new TokenAuth(TokenAuth.read(c.tokens()), log));
    }

    private String logs() throws IOException {
        StringBuilder b = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                b.append("== ").append(f.getFileName()).append('\n').append(Files.readString(f));
            }
        }
        return b.append("== in-process devices and server\n").append(log.text()).toString();
    }

    private void exitsCleanly(Process p) throws Exception {
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "process did not finish\n" + logs());
        assertEquals(0, p.exitValue(), logs());
    }

    @Test
    void threeDeviceProcessesGiveTheInProcessBits() throws Exception {
        Settings s = NetFixture.settings(3, 2, 5);
        ServerNode fed = new ServerNode(NetFixture.serverData(s), NetFixture.options(s, Duration.ofSeconds(60), 1, dir.resolve("server")), log);
        try (GrpcServer g = serve(fed)) {
            Future<ServerNode.Result> run = pool.submit(fed::run);
            List<Process> devs = new ArrayList<>();
            for (int k = 0; k < 3; k++) devs.add(device(g.port(), k));
            ServerNode.Result r = run.get(90, TimeUnit.SECONDS);
            fed.awaitGoodbyes(Duration.ofSeconds(10));
            for (Process p : devs) exitsCleanly(p);
            for (Map<String, Double> row : r.rows()) assertEquals(3.0, row.get("devices_received"), logs());
        }
        Forler ref = NetFixture.inProcess(s, 2);
        NetFixture.assertSameBits(ref.server.learner.actor, fed.server.learner.actor, "global actor π_o");
    }

    @Test
    void aDeviceKilledMidRoundIsLeftOutAndRejoins() throws Exception {
        // 6 rounds: a restarted device (a new JVM) may need a round or two to rejoin on a loaded machine
        Settings s = NetFixture.settings(3, 6, 5);
        ServerNode fed = new ServerNode(NetFixture.serverData(s), NetFixture.options(s, Duration.ofSeconds(3), 2, dir.resolve("server")), log);
        try (GrpcServer g = serve(fed)) {
            Future<ServerNode.Result> run = pool.submit(fed::run);
            Process d0 = device(g.port(), 0), d1 = device(g.port(), 1);
            Process slow = device(g.port(), 2, "--step-delay-ms", "400"); // 5 steps × 0.4 s: still training when killed
            while (fed.round() < 0) Thread.sleep(50);
            Thread.sleep(800);
            slow.destroyForcibly().waitFor();
            while (fed.round() < 1) Thread.sleep(50);
            Process back = device(g.port(), 2, "--resume"); // restarted, at full speed
            ServerNode.Result r = run.get(90, TimeUnit.SECONDS);
            fed.awaitGoodbyes(Duration.ofSeconds(10));
            for (Process p : List.of(d0, d1, back)) exitsCleanly(p);
            assertEquals(2.0, r.rows().get(0).get("devices_received"), logs());
            assertEquals(4.0, r.rows().get(0).get("heads"));
            assertTrue(r.rows().subList(1, 6).stream().anyMatch(row -> row.get("devices_received") == 3.0), "device 2 rejoined\n" + logs());
            assertTrue(log.text().contains("no accepted upload from device(s) [2]"), log.text());
        }
    }

    @Test
    void aKilledServerResumesFromItsCheckpointWithTheSameBits() throws Exception {
        Settings s = NetFixture.settings(3, 3, 5, ObsNorm.SERVER); // the command's default: D_o's statistics recomputed on --resume
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path out = dir.resolve("server");
        Certs.Written c = NetFixture.certs();
        List<String> args = new ArrayList<>(List.of("--port", "" + port, "--devices", "3", "--task", NetFixture.TASK, "--rounds", "3",
                "--local-steps", "5", "--hidden", "16", "--batch", "32", "--samples", "4", "--iterations", "2", "--seed", "7",
                "--server-data", "random", "--server-size", "" + NetFixture.SERVER_SIZE, "--cache", dir.resolve("cache").toString(),
                "--tls-cert", c.cert().toString(), "--tls-key", c.key().toString(), "--tokens", c.tokens().toString(),
                "--deadline-s", "60", "--eval-episodes", "0", "--out", out.toString())); // --obs-norm server, the default
        Process first = java(ServerCommand.class, "server-first", args.toArray(new String[0]));
        List<Future<DeviceNode.Summary>> devs = new ArrayList<>();
        Map<Integer, String> tokens = TokenAuth.read(c.tokens());
        for (int k = 0; k < 3; k++) {
            int kk = k;
            DeviceNode d = new DeviceNode(new DeviceNode.Options("localhost:" + port, k, c.cert(), tokens.get(k),
                    dir.resolve("device" + k + ".safetensors"), Duration.ofSeconds(60), 0), x -> NetFixture.deviceData(x, kk), log);
            devs.add(pool.submit(() -> { try (d) { return d.run(); } }));
        }
        Path ckpt = out.resolve("checkpoint.safetensors");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(ckpt) && System.nanoTime() < until) Thread.sleep(20);
        assertTrue(Files.exists(ckpt), "no checkpoint after round 0\n" + logs());
        first.destroyForcibly().waitFor();
        assertTrue(StateDict.read(ckpt).getScalar("round") < 2, "the server was killed before its last round");
        args.add("--resume");
        Process second = java(ServerCommand.class, "server-second", args.toArray(new String[0]));
        exitsCleanly(second);
        // Each device trained each round once: after the restart it re-sent the critic it had trained, not a new one.
        for (Future<DeviceNode.Summary> f : devs) assertEquals(3, f.get(30, TimeUnit.SECONDS).trained(), logs());
        assertTrue(logs().contains("resuming from"), logs());

        StateDict done = StateDict.read(ckpt);
        assertEquals(2.0, done.getScalar("round"));
        NetFixture.simulate(s, false, 100, dir.resolve("sim")); // `forler run` with the same settings
        StateDict ref = StateDict.read(dir.resolve("sim").resolve("checkpoint.safetensors"));
        NetFixture.assertSameState(ref.sub("server."), done.sub("server."), "server state (π_o, β, stacked critic) after a server restart");
    }
}
