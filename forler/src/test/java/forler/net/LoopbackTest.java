package forler.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import forler.engine.Rng;
import forler.engine.Tensor;
import forler.fed.FedSimulation;
import forler.fed.Forler;
import forler.fed.ObsNorm;
import forler.io.StateDict;
import forler.net.proto.Broadcast;
import forler.net.proto.CriticUpload;
import forler.net.proto.FederationGrpc;
import forler.net.proto.FetchRequest;
import forler.net.proto.Settings;
import forler.net.proto.UploadReply;
import forler.rl.QEnsemble;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Server and devices in this JVM, over TLS on loopback with tokens. */
class LoopbackTest {
    @TempDir Path dir;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final NetFixture.Capture log = new NetFixture.Capture();

    @AfterEach
    void stop() { pool.shutdownNow(); }

    private record Running(ServerNode fed, GrpcServer grpc, TokenAuth auth, Future<ServerNode.Result> result) {}

    private Running serve(Settings s, Duration deadline, int minDevices) throws IOException {
        return serve(s, NetFixture.options(s, deadline, minDevices, dir.resolve("server")));
    }

    private Running serve(Settings s, ServerNode.Options o) throws IOException {
        Certs.Written c = NetFixture.certs();
        ServerNode fed = new ServerNode(NetFixture.serverData(s), o, log);
        TokenAuth auth = new TokenAuth(TokenAuth.read(c.tokens()), log);
        GrpcServer g = new GrpcServer(fed, 0, c.cert(), c.key(), auth);
        return new Running(fed, g, auth, pool.submit(fed::run));
    }

    private DeviceNode device(Running srv, int k, String token) throws IOException {
        return new DeviceNode(new DeviceNode.Options("localhost:" + srv.grpc().port(), k, NetFixture.certs().cert(), token,
                dir.resolve("device" + k + ".safetensors"), Duration.ofSeconds(20), 0), s -> NetFixture.deviceData(s, k), log);
    }

    private static String token(int k) throws IOException { return TokenAuth.read(NetFixture.certs().tokens()).get(k); }

    /** Raw states (--obs-norm none): the networked rounds against FORLER's in-process rounds, Forler driven directly. */
    @Test
    void sameBitsAsTheInProcessRuntime() throws Exception {
        Settings s = NetFixture.settings(3, 2, 5);
        Running srv = serve(s, Duration.ofSeconds(60), 1);
        ServerNode.Result r = threeDevicesTwoRounds(srv);
        for (Map<String, Double> row : r.rows()) assertEquals(3.0, row.get("devices_received"));
        Forler ref = NetFixture.inProcess(s, 2);
        NetFixture.assertSameBits(ref.server.learner.actor, srv.fed().server.learner.actor, "global actor π_o");
        NetFixture.assertSameBits(ref.server.learner.critic, srv.fed().server.learner.critic, "stacked critic");
        assertTrue(r.rows().get(1).get("bytes_up") > 0 && r.rows().get(1).get("bytes_down") > 0);
    }

    /**
     * State normalisation (--obs-norm server, the default, and own): the networked run against `forler run`'s
     * simulation (FedSimulation) with the same settings: the global returns logged each round are equal, and the
     * server's state (π_o, β, the stacked critic, optimisers, RNG) and every device's state bit-equal after 2 rounds.
     */
    @ParameterizedTest
    @EnumSource(value = ObsNorm.class, names = {"SERVER", "OWN"})
    void normalisedStatesGiveTheSimulationsNumbers(ObsNorm rule) throws Exception {
        Settings s = NetFixture.settings(3, 2, 5, rule);
        ServerNode fed = sameNumbersAsTheSimulation(NetFixture.options(s, Duration.ofSeconds(60), 1, 1, dir.resolve("server")));
        assertEquals(rule.flag(), fed.settings().getObsNorm());
        assertEquals(3, fed.settings().getObsMeanCount(), "D_o's statistics are sent (pendulum: 3 state dimensions)");
    }

    /**
     * --search-temp spread, --search-init policy and --search-init-std 0.5 (sent to the devices) and --omega-s-per-head
     * (the server's): the simulation's numbers too.
     */
    @Test
    void theSearchSettingsAndOmegaPerHeadGiveTheSimulationsNumbers() throws Exception {
        Settings s = NetFixture.settings(3, 2, 5, ObsNorm.SERVER).toBuilder().setSearchTemp("spread").setSearchInit("policy").setSearchInitStd(0.5f).build();
        ServerNode.Options o = NetFixture.options(s, Duration.ofSeconds(60), 1, 1, dir.resolve("server"));
        sameNumbersAsTheSimulation(new ServerNode.Options(s, o.serverSteps(), o.omegaS(), true, o.broadcast(), o.deadline(), o.minDevices(),
                o.maxNorm(), o.evalEpisodes(), o.out(), false));
    }

    /** Devices 0–2 against the server, each training both rounds with both uploads accepted; closes the server. */
    private ServerNode.Result threeDevicesTwoRounds(Running srv) throws Exception {
        List<Future<DeviceNode.Summary>> devs = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            DeviceNode d = device(srv, k, token(k));
            devs.add(pool.submit(() -> { try (d) { return d.run(); } }));
        }
        ServerNode.Result r = srv.result().get(60, TimeUnit.SECONDS);
        for (Future<DeviceNode.Summary> f : devs) assertEquals(new DeviceNode.Summary(2, 2, 0), f.get(10, TimeUnit.SECONDS));
        srv.grpc().close();
        return r;
    }

    /**
     * Runs the server of {@code o} with 3 device threads, then `forler run` (FedSimulation) with the same settings:
     * the global returns logged each round are equal, and the server's and every device's state bit-equal at the end.
     */
    private ServerNode sameNumbersAsTheSimulation(ServerNode.Options o) throws Exception {
        Settings s = o.settings();
        Running srv = serve(s, o);
        ServerNode.Result r = threeDevicesTwoRounds(srv);

        FedSimulation.Result ref = NetFixture.simulate(s, o.omegaSPerHead(), 1, dir.resolve("sim"));
        for (int round = 0; round < s.getRounds(); round++) {
            assertEquals(ref.rows().get(round).get("global_return"), r.rows().get(round).get("global_return"), "global return, round " + round);
        }
        StateDict simState = StateDict.read(dir.resolve("sim").resolve("checkpoint.safetensors"));
        StateDict netState = StateDict.read(dir.resolve("server").resolve("checkpoint.safetensors"));
        NetFixture.assertSameState(simState.sub("server."), netState.sub("server."), "server state");
        for (int k = 0; k < 3; k++) {
            StateDict device = StateDict.read(dir.resolve("device" + k + ".safetensors"));
            NetFixture.assertSameState(simState.sub("device" + k + "."), device.sub("device."), "device " + k + " state");
        }
        return srv.fed();
    }

    @Test
    void aWrongOrMissingTokenIsRefused() throws Exception {
        Settings s = NetFixture.settings(2, 1, 2);
        Running srv = serve(s, Duration.ofSeconds(60), 1);
        try (DeviceNode wrong = device(srv, 0, "not-a-token"); DeviceNode other = device(srv, 0, token(1)); DeviceNode none = device(srv, 0, null)) {
            IOException e = assertThrows(IOException.class, wrong::run);
            assertTrue(e.getMessage().contains("UNAUTHENTICATED"), e.getMessage());
            e = assertThrows(IOException.class, other::run); // device 1's token presented by device 0
            assertTrue(e.getMessage().contains("UNAUTHENTICATED") && e.getMessage().contains("belongs to device 1"), e.getMessage());
            e = assertThrows(IOException.class, none::run);
            assertTrue(e.getMessage().contains("UNAUTHENTICATED"), e.getMessage());
        }
        assertEquals(3, srv.auth().refused());
        assertTrue(log.text().contains("refused Hello") && log.text().contains("unknown token"), log.text());
        srv.fed().finish();
        srv.grpc().close();
    }

    @Test
    void aPoisonedUploadIsRejectedAndNeverMerged() throws Exception {
        Settings s = NetFixture.settings(3, 1, 3);
        Running srv = serve(s, Duration.ofSeconds(2), 2); // closes at 2 s once devices 0 and 1 are in
        List<Future<DeviceNode.Summary>> devs = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            DeviceNode d = device(srv, k, token(k));
            devs.add(pool.submit(() -> { try (d) { return d.run(); } }));
        }
        // Device 2 uploads its received critic with one NaN in it.
        ManagedChannel ch = Grpc.newChannelBuilder("localhost:" + srv.grpc().port(),
                TlsChannelCredentials.newBuilder().trustManager(NetFixture.certs().cert().toFile()).build())
                .intercept(TokenAuth.client(token(2))).build();
        try {
            var stub = FederationGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS);
            Broadcast b = stub.fetch(FetchRequest.newBuilder().setDeviceId(2).setAfterRound(-1).build());
            QEnsemble q = new QEnsemble(2, 3, 1, 16, 2, new Rng(1));
            WeightsCodec.load(b.getCritic(), q, "test");
            Tensor w = q.params().values().iterator().next();
            w.data[3] = Float.NaN;
            UploadReply rep = stub.upload(CriticUpload.newBuilder().setDeviceId(2).setRound(b.getRound())
                    .setCritic(WeightsCodec.encode(q)).setTarget(b.getTarget()).build());
            assertTrue(!rep.getAccepted() && rep.getReason().contains("non-finite"), rep.getReason());
        } finally {
            ch.shutdownNow();
        }
        ServerNode.Result r = srv.result().get(60, TimeUnit.SECONDS);
        for (Future<DeviceNode.Summary> f : devs) assertEquals(1, f.get(10, TimeUnit.SECONDS).accepted());
        srv.grpc().close();
        assertEquals(2.0, r.rows().get(0).get("devices_received"));
        assertEquals(1.0, r.rows().get(0).get("rejected"));
        assertEquals(4, srv.fed().server.learner.critic.heads(), "only the two accepted pairs are stacked");
        assertTrue(log.text().contains("rejected upload from device 2") && log.text().contains("non-finite"), log.text());
    }
}
