package forler.net;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import forler.net.proto.Settings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connections the server refuses before any call: each is logged with the peer's address (repeats from one host
 * counted, not logged again), a TLS/plaintext mismatch is named on both sides in seconds, and --bind is honoured.
 */
class ConnectionTest {
    @TempDir Path dir;
    private final NetFixture.Capture log = new NetFixture.Capture();

    private GrpcServer serve(boolean tls, String bind) throws IOException {
        Settings s = NetFixture.settings(1, 1, 2);
        ServerNode fed = new ServerNode(NetFixture.serverData(s), NetFixture.options(s, Duration.ofSeconds(60), 1, dir.resolve("server")), log);
        Certs.Written c = NetFixture.certs();
        return new GrpcServer(fed, bind, 0, tls ? c.cert() : null, tls ? c.key() : null, null);
    }

    /** A device that would retry an unreachable server for 60 s: it must give up well before, naming the mismatch. */
    private String failingDevice(GrpcServer g, boolean tls) throws Exception {
        long t0 = System.nanoTime();
        try (DeviceNode d = new DeviceNode(new DeviceNode.Options("localhost:" + g.port(), 0, tls ? NetFixture.certs().cert() : null, null,
                null, Duration.ofSeconds(60), 0), x -> NetFixture.deviceData(x, 0), log)) {
            String msg = assertThrows(IOException.class, d::run).getMessage();
            double s = (System.nanoTime() - t0) / 1e9;
            assertTrue(s < 20, "gave up after " + s + " s, not at once: " + msg);
            return msg;
        }
    }

    /** Waits up to 10 s for the server's log to contain {@code text}. */
    private void logged(String... text) throws InterruptedException {
        long until = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < until && !log.text().lines().anyMatch(l -> java.util.Arrays.stream(text).allMatch(l::contains))) Thread.sleep(20);
        assertTrue(log.text().lines().anyMatch(l -> java.util.Arrays.stream(text).allMatch(l::contains)),
                "no line with " + java.util.Arrays.toString(text) + " in:\n" + log.text());
    }

    @Test
    void aPlaintextDeviceAgainstATlsServerIsNamedOnBothSides() throws Exception {
        try (GrpcServer g = serve(true, null)) {
            String msg = failingDevice(g, false);
            assertTrue(msg.contains("TLS/plaintext mismatch") && msg.contains("--ca"), msg);
            logged("refused connection from /127.0.0.1:", "not a TLS handshake", "--plaintext");
            // gRPC retries such a connection hundreds of times in a second: logged once, the rest counted
            long lines = log.text().lines().filter(l -> l.contains("refused connection")).count();
            assertTrue(lines <= 2, lines + " lines:\n" + log.text());
        }
    }

    @Test
    void aTlsDeviceAgainstAPlaintextServerIsNamedOnBothSides() throws Exception {
        try (GrpcServer g = serve(false, null)) {
            String msg = failingDevice(g, true);
            assertTrue(msg.contains("TLS/plaintext mismatch") && msg.contains("--plaintext"), msg);
            logged("refused connection from /127.0.0.1:", "a TLS handshake on a --plaintext server");
        }
    }

    @Test
    void aDeviceThatDoesNotTrustTheCertificateStopsAtOnceAndTheServerLogsTheHandshake() throws Exception {
        Certs.Written other = Certs.generate(dir.resolve("other"), java.util.List.of(), 1); // another server's certificate
        try (GrpcServer g = serve(true, null); DeviceNode d = new DeviceNode(new DeviceNode.Options("localhost:" + g.port(), 0, other.cert(),
                null, null, Duration.ofSeconds(60), 0), x -> NetFixture.deviceData(x, 0), log)) {
            long t0 = System.nanoTime();
            String msg = assertThrows(IOException.class, d::run).getMessage();
            assertTrue((System.nanoTime() - t0) / 1e9 < 20, "not at once: " + msg);
            assertTrue(msg.contains("TLS handshake with localhost:" + g.port() + " failed") && msg.contains("--ca"), msg);
            logged("refused connection from /127.0.0.1:", "TLS handshake failed");
        }
    }

    @Test
    void garbageOnThePortIsLoggedWithThePeer() throws Exception {
        for (boolean tls : new boolean[] {true, false}) {
            try (GrpcServer g = serve(tls, null); Socket sock = new Socket("127.0.0.1", g.port())) {
                OutputStream out = sock.getOutputStream();
                out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String peer = "/127.0.0.1:" + sock.getLocalPort();
                logged("refused connection from " + peer, tls ? "not a TLS handshake (first bytes 47455420" : "not an HTTP/2 (gRPC) connection preface");
            }
        }
    }

    @Test
    void bindListensOnTheAddressGiven() throws Exception {
        try (GrpcServer g = serve(false, "127.0.0.1")) {
            assertTrue(g.address().isLoopbackAddress(), g.address().toString());
        }
        try (GrpcServer g = serve(false, null)) {
            assertTrue(g.address().isAnyLocalAddress(), g.address().toString());
        }
    }
}
