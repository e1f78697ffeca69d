package forler.net;

import forler.data.Dataset;
import forler.engine.Rng;
import forler.engine.nn.TanhGaussianActor;
import forler.io.StateDict;
import forler.net.proto.Broadcast;
import forler.net.proto.FederationGrpc;
import forler.net.proto.FetchRequest;
import forler.net.proto.HelloRequest;
import forler.net.proto.Settings;
import forler.net.proto.CriticUpload;
import forler.net.proto.UploadReply;
import forler.rl.ForlerDevice;
import forler.rl.QEnsemble;
import forler.rl.Transitions;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One FORLER device as its own process (paper Algorithm 2 lines 5–13 over the network; docs/design.md §Federation): it reuses
 * {@link ForlerDevice} for the local training and talks to {@link ServerNode} through {@link GrpcServer}.
 *
 * <p>Loop: fetch the open round's π_o and critic pair → {@link ForlerDevice#receive} → Γ local steps → save its
 * own state (atomic) → upload the critic heads. After a restart it loads that state; if the server is still
 * in (or is back at) the round the state was saved after, it re-uploads that round's critic instead of
 * training again, so a restart changes no number. Calls that fail because the server is unreachable or slow
 * are retried with backoff for {@code giveUpAfter}; a refused token ends the device with an error.
 *
 * <p>The device's networks read states normalised as the server's settings say ({@link forler.fed.ObsNorm}): with
 * D_o's statistics from the Hello reply ({@code --obs-norm server}), its own data's ({@code own}), or raw ({@code none}).
 */
public final class DeviceNode implements AutoCloseable {
    /**
     * @param target      host:port of the server
     * @param ca          PEM certificate the server's must chain to; null: plaintext (loopback tests only)
     * @param token       this device's token, or null when the server runs without tokens
     * @param stateFile   where the device keeps its state between rounds (resumed from when present), or null
     * @param giveUpAfter how long to retry an unreachable server before failing
     * @param stepDelayMs sleep after every local step: simulates a slow device (fault tests); 0 normally
     */
    public record Options(String target, int id, Path ca, String token, Path stateFile, Duration giveUpAfter, int stepDelayMs) {}

    /** What the device did: rounds trained, uploads accepted and rejected. */
    public record Summary(int trained, int accepted, int rejected) {}

    private static final long FETCH_DEADLINE_S = ServerNode.LONG_POLL.toSeconds() + 15, CALL_DEADLINE_S = 60;

    private final Options o;
    private final Function<Settings, Dataset> data;
    private final PrintStream log;
    private final ManagedChannel channel;
    private final FederationGrpc.FederationBlockingStub stub;

    /**
     * @param data the device's D_k in task units, made once the server's settings (task, seed) are known; its states are
     *             normalised as the settings say ({@link RunSettings#deviceStats}: D_o's, its own or raw)
     */
    public DeviceNode(Options o, Function<Settings, Dataset> data, PrintStream log) throws IOException {
        this.o = o;
        this.data = data;
        this.log = log;
        ChannelCredentials creds = o.ca() == null ? InsecureChannelCredentials.create()
                : TlsChannelCredentials.newBuilder().trustManager(o.ca().toFile()).build();
        var b = Grpc.newChannelBuilder(o.target(), creds).maxInboundMessageSize(GrpcServer.MAX_MESSAGE);
        if (o.token() != null) b.intercept(TokenAuth.client(o.token()));
        channel = b.build();
        stub = FederationGrpc.newBlockingStub(channel);
    }

    public Summary run() throws IOException, InterruptedException {
        int k = o.id();
        Settings s = call("hello", () -> stub.withDeadlineAfter(CALL_DEADLINE_S, TimeUnit.SECONDS)
                .hello(HelloRequest.newBuilder().setDeviceId(k).build()));
        Dataset raw = data.apply(s);
        Transitions d = RunSettings.transitions(s.getTask(), raw, RunSettings.deviceStats(s, raw));
        ForlerDevice.Config cfg = RunSettings.device(s);
        ForlerDevice dev = new ForlerDevice(k, d, cfg, RunSettings.rect(s), RunSettings.deviceSeed(s, k));
        // Scratch modules the broadcast is decoded into (their initial values are overwritten).
        Rng scratch = new Rng(0);
        TanhGaussianActor piO = new TanhGaussianActor(d.obsDim(), d.actDim(), cfg.hidden(), cfg.depth(), scratch);
        QEnsemble q = new QEnsemble(2, d.obsDim(), d.actDim(), cfg.hidden(), cfg.depth(), scratch);
        QEnsemble qT = new QEnsemble(2, d.obsDim(), d.actDim(), cfg.hidden(), cfg.depth(), scratch);

        int trainedRound = -1; // the round whose training dev's state holds
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (o.stateFile() != null && Files.exists(o.stateFile())) {
            StateDict st = StateDict.read(o.stateFile());
            sameRun(st, s);
            dev.load(st.sub("device."));
            trainedRound = (int) st.getScalar("round");
            for (var e : st.sub("metric.").meta.entrySet()) metrics.put(e.getKey(), Double.parseDouble(e.getValue()));
            log.printf("device %d: resumed from %s (trained round %d)%n", k, o.stateFile(), trainedRound + 1); // rounds counted from 1 in the log
        }
        int after = -1, trained = 0, accepted = 0, rejected = 0;
        while (true) {
            int a = after;
            Broadcast b = call("fetch", () -> stub.withDeadlineAfter(FETCH_DEADLINE_S, TimeUnit.SECONDS)
                    .fetch(FetchRequest.newBuilder().setDeviceId(k).setAfterRound(a).build()));
            if (b.getStatus() == Broadcast.Status.FINISHED) break;
            if (b.getStatus() != Broadcast.Status.ROUND) continue;
            int r = b.getRound();
            if (r != trainedRound) {
                WeightsCodec.load(b.getPolicy(), piO, "broadcast policy");
                WeightsCodec.load(b.getCritic(), q, "broadcast critic");
                WeightsCodec.load(b.getTarget(), qT, "broadcast target");
                dev.receive(piO, q, qT);                                      // Algorithm 2 line 6
                metrics = train(dev, s.getLocalSteps());                      // lines 7–12
                trainedRound = r;
                trained++;
                if (o.stateFile() != null) save(dev, r, metrics, s);
            } else {
                log.printf("device %d: round %d already trained (restart): uploading the saved critic%n", k, r + 1);
            }
            CriticUpload u = CriticUpload.newBuilder().setDeviceId(k).setRound(r).setCritic(WeightsCodec.encode(dev.critic.q))
                    .setTarget(WeightsCodec.encode(dev.critic.target)).putAllMetrics(metrics).build(); // line 13
            UploadReply rep = call("upload", () -> stub.withDeadlineAfter(CALL_DEADLINE_S, TimeUnit.SECONDS).upload(u));
            if (rep.getAccepted()) {
                accepted++;
            } else {
                rejected++;
                log.printf("device %d: upload for round %d rejected: %s%n", k, r + 1, rep.getReason());
            }
            after = r;
        }
        log.printf("device %d: finished (%d rounds trained, %d uploads accepted, %d rejected)%n", k, trained, accepted, rejected);
        return new Summary(trained, accepted, rejected);
    }

    /** Prefix of the server's settings in the state's metadata ({@code run.seed}: "7"). */
    private static final String RUN = "run.";

    /** The server's settings by their field name (task, devices, rounds, seed, ...), as text. */
    private static Map<String, String> runSettings(Settings s) {
        Map<String, String> m = new LinkedHashMap<>();
        for (var f : Settings.getDescriptor().getFields()) m.put(f.getName(), String.valueOf(s.getField(f))); // defaults (seed 0) too
        return m;
    }

    /**
     * Settings recorded only since the server sends them, with the value every state recorded without them was saved
     * with (raw states, the fixed search temperature, the search started at 0 with std 2).
     */
    private static final Map<String, String> LATER_SETTINGS = Map.of("obs_norm", "none", "search_temp", "fixed", "search_init", "zero",
            "search_init_std", "2.0");

    /** Refuses a state saved in a run with other settings than the server's (states saved before they were recorded pass). */
    private void sameRun(StateDict st, Settings s) {
        boolean recorded = st.meta.keySet().stream().anyMatch(key -> key.startsWith(RUN));
        for (Map.Entry<String, String> e : runSettings(s).entrySet()) {
            String was = st.meta.get(RUN + e.getKey());
            if (was == null && recorded) was = LATER_SETTINGS.get(e.getKey());
            if (was != null && !was.equals(e.getValue())) {
                throw new IllegalStateException("device " + o.id() + ": " + o.stateFile() + " was saved in a run with " + e.getKey() + " " + was
                        + " but the server's run has " + e.getKey() + " " + e.getValue() + ": it belongs to another run; give another --state "
                        + "(or --overwrite) to join this one");
            }
        }
    }

    /** Γ local steps (ForlerDevice.train, with the optional slow-device delay); the mean of each logged quantity. */
    private Map<String, Double> train(ForlerDevice dev, int steps) throws InterruptedException {
        if (o.stepDelayMs() <= 0) return dev.train(steps);
        Map<String, Double> sum = new LinkedHashMap<>();
        for (int tau = 0; tau < steps; tau++) {
            dev.step(tau).forEach((m, v) -> sum.merge(m, v / steps, Double::sum));
            Thread.sleep(o.stepDelayMs());
        }
        return sum;
    }

    private void save(ForlerDevice dev, int round, Map<String, Double> metrics, Settings s) throws IOException {
        StateDict st = new StateDict().put("device.", dev.state()).scalar("round", round);
        runSettings(s).forEach((f, v) -> st.meta.put(RUN + f, v));
        metrics.forEach((m, v) -> st.scalar("metric." + m, v));
        st.save(o.stateFile());
    }

    /** A call, retried with backoff while the server is unreachable (restarting) for up to giveUpAfter. */
    private <T> T call(String what, Supplier<T> c) throws IOException, InterruptedException {
        long giveUp = System.nanoTime() + o.giveUpAfter().toNanos(), sleep = 100;
        while (true) {
            try {
                return c.get();
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                // A server killed mid-call can surface as INTERNAL or UNKNOWN (a reset stream), not only UNAVAILABLE.
                boolean transient_ = code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED
                        || code == Status.Code.CANCELLED || code == Status.Code.ABORTED || code == Status.Code.INTERNAL
                        || code == Status.Code.UNKNOWN;
                String mismatch = tlsMismatch(e.getStatus());
                if (mismatch != null) throw new IOException("device " + o.id() + ": " + what + ": " + mismatch, e);
                if (!transient_) {
                    throw new IOException("device " + o.id() + ": " + what + " refused by " + o.target() + ": " + brief(e.getStatus())
                            + (code == Status.Code.UNAUTHENTICATED ? " (check --token against the server's tokens file)" : ""), e);
                }
                if (System.nanoTime() > giveUp) {
                    throw new IOException("device " + o.id() + ": " + what + ": server " + o.target() + " unreachable for "
                            + o.giveUpAfter().toSeconds() + " s: " + brief(e.getStatus())
                            + " (is it running, and do both sides agree on TLS: --ca or --plaintext?)", e);
                }
                Thread.sleep(sleep);
                sleep = Math.min(2000, sleep * 2);
            }
        }
    }

    /**
     * A TLS/plaintext mismatch or a failed TLS handshake, told at the first call rather than retried for --give-up-s;
     * else null. A TLS server answers a plaintext device with GOAWAY INADEQUATE_SECURITY (see ConnectionLog); a
     * plaintext server's answer to a TLS handshake is not a TLS record.
     */
    private String tlsMismatch(Status s) {
        String text = s.getDescription() == null ? "" : s.getDescription();
        if (o.ca() == null && text.contains("INADEQUATE_SECURITY")) {
            return "server " + o.target() + " requires TLS but this device is --plaintext: a TLS/plaintext mismatch (give --ca CERT, the server's certificate)";
        }
        for (Throwable t = s.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (!(t instanceof javax.net.ssl.SSLException)) continue;
            if (t.getMessage() != null && t.getMessage().startsWith("not an SSL/TLS record")) {
                return "server " + o.target() + " answered the TLS handshake in plaintext: a TLS/plaintext mismatch (the server likely runs "
                        + "--plaintext: give the device --plaintext too, or run the server with --tls-cert/--tls-key)";
            }
            if (t instanceof javax.net.ssl.SSLHandshakeException && t.getMessage() != null && !t.getMessage().contains("closed")) {
                return "TLS handshake with " + o.target() + " failed: " + t.getMessage()
                        + " (is --ca the server's certificate, and the host name one it is valid for?)";
            }
        }
        return null;
    }

    /** A status in one line: its code, description and the root cause's message (Status.toString holds a stack trace). */
    private static String brief(Status s) {
        Throwable root = s.getCause();
        while (root != null && root.getCause() != null && root.getCause() != root) root = root.getCause();
        return s.getCode() + (s.getDescription() != null ? " (" + s.getDescription() + ")" : "")
                + (root != null && root.getMessage() != null ? ": " + root.getMessage() : "");
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
