package forler.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import forler.fed.ObsNorm;
import forler.io.StateDict;
import forler.net.proto.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device's state belongs to the run it was saved in: resumed against another run's server, it is refused; a device
 * given another --obs-norm than the server's stops naming both.
 */
class DeviceStateTest {
    @TempDir Path dir;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final NetFixture.Capture log = new NetFixture.Capture();

    @AfterEach
    void stop() { pool.shutdownNow(); }

    private DeviceNode device(GrpcServer g, Path state) throws Exception {
        return new DeviceNode(new DeviceNode.Options("localhost:" + g.port(), 0, null, null, state, Duration.ofSeconds(20), 0),
                x -> NetFixture.deviceData(x, 0), log);
    }

    @Test
    void aDeviceExpectingAnotherObsNormThanTheServersIsRefused() throws Exception {
        Settings s = NetFixture.settings(1, 1, 2, ObsNorm.SERVER);
        ServerNode fed = new ServerNode(NetFixture.serverData(s), NetFixture.options(s, Duration.ofSeconds(30), 1, dir.resolve("a")), log);
        try (GrpcServer g = new GrpcServer(fed, "127.0.0.1", 0, null, null, null)) {
            java.io.StringWriter err = new java.io.StringWriter();
            int code = forler.cli.Main.execute(new String[] {"device", "--server", "127.0.0.1:" + g.port(), "--id", "0", "--plaintext",
                    "--obs-norm", "none", "--data", "random", "--size", "300", "--state", dir.resolve("d.safetensors").toString(),
                    "--give-up-s", "10"}, new java.io.PrintWriter(java.io.OutputStream.nullOutputStream()), new java.io.PrintWriter(err, true));
            assertEquals(forler.cli.Main.BAD_INPUT, code, err.toString());
            assertTrue(err.toString().contains("--obs-norm none but the server") && err.toString().contains("runs --obs-norm server"), err.toString());
            fed.finish();
        }
    }

    @Test
    void aStateFromAnotherRunIsRefused() throws Exception {
        Settings s = NetFixture.settings(1, 1, 2);
        Path state = dir.resolve("device0.safetensors");
        ServerNode fed = new ServerNode(NetFixture.serverData(s), NetFixture.options(s, Duration.ofSeconds(30), 1, dir.resolve("a")), log);
        try (GrpcServer g = new GrpcServer(fed, "127.0.0.1", 0, null, null, null)) {
            Future<ServerNode.Result> run = pool.submit(fed::run);
            try (DeviceNode d = device(g, state)) {
                assertEquals(1, d.run().trained());
            }
            run.get(30, TimeUnit.SECONDS);
        }
        assertEquals("7", StateDict.read(state).meta.get("run.seed"), "the state records the run's settings");

        Settings other = s.toBuilder().setSeed(8).build(); // the same commands with another --seed: another run
        ServerNode fed2 = new ServerNode(NetFixture.serverData(other), NetFixture.options(other, Duration.ofSeconds(30), 1, dir.resolve("b")), log);
        try (GrpcServer g = new GrpcServer(fed2, "127.0.0.1", 0, null, null, null); DeviceNode d = device(g, state)) {
            String msg = assertThrows(IllegalStateException.class, d::run).getMessage();
            assertTrue(msg.contains("seed 7") && msg.contains("seed 8") && msg.contains("another run"), msg);
        }
    }
}
