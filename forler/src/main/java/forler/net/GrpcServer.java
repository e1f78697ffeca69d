package forler.net;

import forler.net.proto.Broadcast;
import forler.net.proto.FederationGrpc;
import forler.net.proto.FetchRequest;
import forler.net.proto.HelloRequest;
import forler.net.proto.Settings;
import forler.net.proto.CriticUpload;
import forler.net.proto.UploadReply;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The network side of {@link ServerNode}: a gRPC server (Netty, TLS from PEM files) whose Federation service
 * (src/main/proto/forler_fed.proto) passes Hello, Fetch and Upload to it, behind {@link TokenAuth}.
 */
public final class GrpcServer implements AutoCloseable {
    /** Largest message accepted (a broadcast of 256-wide 3-layer networks is a few MB). */
    static final int MAX_MESSAGE = 256 << 20;

    private final Server server;

    /**
     * @param cert PEM certificate chain and {@code key} PKCS#8 PEM key; both null: plaintext (loopback tests only)
     * @param auth the tokens, or null to accept any caller (loopback tests only)
     */
    public GrpcServer(ServerNode fed, int port, Path cert, Path key, TokenAuth auth) throws IOException {
        this(fed, null, port, cert, key, auth);
    }

    /** @param bind the address to listen on (e.g. 127.0.0.1), or null for every interface */
    public GrpcServer(ServerNode fed, String bind, int port, Path cert, Path key, TokenAuth auth) throws IOException {
        ServerCredentials creds = ConnectionLog.wrap(cert == null ? InsecureServerCredentials.create()
                : TlsServerCredentials.create(cert.toFile(), key.toFile()), cert != null, fed.log());
        Service svc = new Service(fed, auth);
        var b = (bind == null ? Grpc.newServerBuilderForPort(port, creds)
                : io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder.forAddress(new java.net.InetSocketAddress(bind, port), creds))
                .maxInboundMessageSize(MAX_MESSAGE);
        b.addService(auth == null ? svc.bindService() : ServerInterceptors.intercept(svc, auth));
        server = b.build().start();
    }

    /** The port listened on (the one chosen when 0 was asked). */
    public int port() { return server.getPort(); }

    /** The address listened on: the wildcard address (every interface) when no bind address was given. */
    public java.net.InetAddress address() { return ((java.net.InetSocketAddress) server.getListenSockets().get(0)).getAddress(); }

    @Override
    public void close() throws InterruptedException {
        server.shutdown();
        if (!server.awaitTermination(2, TimeUnit.SECONDS)) server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private static final class Service extends FederationGrpc.FederationImplBase {
        private final ServerNode fed;
        private final TokenAuth auth;

        Service(ServerNode fed, TokenAuth auth) {
            this.fed = fed;
            this.auth = auth;
        }

        @Override
        public void hello(HelloRequest req, StreamObserver<Settings> out) {
            if (checked(req.getDeviceId(), out)) reply(out, fed.hello(req));
        }

        @Override
        public void fetch(FetchRequest req, StreamObserver<Broadcast> out) {
            if (!checked(req.getDeviceId(), out)) return;
            try {
                reply(out, fed.fetch(req));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.onError(Status.UNAVAILABLE.withDescription("server is stopping").asRuntimeException());
            }
        }

        @Override
        public void upload(CriticUpload req, StreamObserver<UploadReply> out) {
            if (checked(req.getDeviceId(), out)) reply(out, fed.upload(req));
        }

        private boolean checked(int device, StreamObserver<?> out) {
            try {
                if (auth != null) auth.requireDevice(device);
                return true;
            } catch (io.grpc.StatusRuntimeException e) {
                out.onError(e);
                return false;
            }
        }

        private static <T> void reply(StreamObserver<T> out, T v) {
            out.onNext(v);
            out.onCompleted();
        }
    }
}
