package forler.net;

import io.grpc.ServerCredentials;
import io.grpc.internal.ObjectPool;
import io.grpc.netty.shaded.io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.shaded.io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.util.AsciiString;
import io.grpc.netty.shaded.io.netty.util.AttributeKey;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;

/**
 * Logs every connection the server refuses before any call, with the peer's address: bytes that are not a TLS handshake
 * on a TLS port (e.g. a {@code --plaintext} device), a TLS handshake on a plaintext port, bytes that are not an HTTP/2
 * (gRPC) connection preface, and a failed TLS handshake (e.g. a device that does not trust the certificate).
 *
 * <p>It wraps the credentials' protocol negotiator (gRPC's Netty transport has no other hook before the handshake): a
 * sniffer at the head of each connection's pipeline looks at its first bytes, and a handler after the negotiation
 * handler sees the exceptions the negotiation fails with. Both only log and pass everything on unchanged.
 */
final class ConnectionLog {
    private ConnectionLog() {}

    /** The client preface every HTTP/2 connection begins with (RFC 9113 §3.4). */
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** The first byte of a TLS handshake record (RFC 8446 §5.1, ContentType handshake). */
    private static final int TLS_HANDSHAKE = 0x16;
    /** gRPC's own log of a failed transport (kept referenced: java.util.logging holds loggers weakly). */
    private static final java.util.logging.Logger QUIET =
            java.util.logging.Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerTransport");
    /** Seconds during which the same refusal of the same host is counted rather than logged again (a client retries fast). */
    private static final long QUIET_S = 10;

    /** Set on a connection already logged, so that its failure is not logged twice. */
    private static final AttributeKey<Boolean> LOGGED = AttributeKey.valueOf("forler.connectionLogged");

    /** {@code creds} (TLS or insecure) with each refused connection logged on {@code log}. */
    static ServerCredentials wrap(ServerCredentials creds, boolean tls, PrintStream out) {
        QUIET.setLevel(java.util.logging.Level.WARNING); // its "Transport failed" + trace for these: logged here in one line
        Throttled log = new Throttled(out);
        InternalProtocolNegotiator.ServerFactory inner = InternalNettyServerCredentials.toNegotiator(creds);
        return InternalNettyServerCredentials.create(new InternalProtocolNegotiator.ServerFactory() {
            @Override
            public InternalProtocolNegotiator.ProtocolNegotiator newNegotiator(ObjectPool<? extends Executor> pool) {
                return new Negotiator(inner.newNegotiator(pool), tls, log);
            }
        });
    }

    /**
     * What the first bytes of a connection say about it, or null when they are what the port expects.
     * @param first the first bytes received (at least one)
     */
    static String mismatch(byte[] first, boolean tls) {
        boolean preface = startsLikePreface(first);
        if (tls) {
            if ((first[0] & 0xff) == TLS_HANDSHAKE) return null;
            return preface ? "not a TLS handshake: a plaintext gRPC client (give the device --ca CERT, not --plaintext)"
                    : "not a TLS handshake (first bytes " + hex(first) + ")";
        }
        if (preface) return null;
        return (first[0] & 0xff) == TLS_HANDSHAKE
                ? "a TLS handshake on a --plaintext server (give the device --plaintext, or run the server with TLS)"
                : "not an HTTP/2 (gRPC) connection preface (first bytes " + hex(first) + ")";
    }

    /** What a plaintext client is told by a TLS server (its GOAWAY's debug data). */
    static final String TLS_REQUIRED = "this server requires TLS: give the device --ca CERT, not --plaintext";

    /**
     * An empty SETTINGS frame (a client requires it first) and a GOAWAY frame with error INADEQUATE_SECURITY and
     * {@code why} as its debug data (RFC 9113 §6.5, §6.8, §7): a plaintext gRPC client reports it at once.
     */
    static byte[] goAway(String why) {
        byte[] debug = why.getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(9 + 9 + 8 + debug.length);
        b.put(new byte[] {0, 0, 0, 0x4, 0, 0, 0, 0, 0});                            // SETTINGS, no parameters, stream 0
        int n = 8 + debug.length;
        b.put(new byte[] {(byte) (n >> 16), (byte) (n >> 8), (byte) n, 0x7, 0, 0, 0, 0, 0}); // GOAWAY, stream 0
        b.putInt(0).putInt(0xc).put(debug);                                        // last stream 0, INADEQUATE_SECURITY
        return b.array();
    }

    private static boolean startsLikePreface(byte[] b) {
        for (int i = 0; i < Math.min(b.length, PREFACE.length); i++) if (b[i] != PREFACE[i]) return false;
        return true;
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(8, b.length); i++) s.append(String.format("%02x", b[i]));
        return s.toString();
    }

    /** Logs a refusal with the peer's address; the same refusal of the same host again within QUIET_S is only counted. */
    private static final class Throttled {
        private final PrintStream out;
        private final java.util.Map<String, long[]> last = new java.util.HashMap<>(); // host + why → {nanos logged, repeats since}

        Throttled(PrintStream out) { this.out = out; }

        synchronized void refused(java.net.SocketAddress peer, String why) {
            String host = peer instanceof java.net.InetSocketAddress a ? a.getHostString() : String.valueOf(peer);
            long now = System.nanoTime();
            long[] l = last.get(host + why);
            if (l != null && now - l[0] < QUIET_S * 1_000_000_000L) {
                l[1]++;
                return;
            }
            String more = l != null && l[1] > 0 ? " (" + l[1] + " more from " + host + " in the last " + QUIET_S + " s)" : "";
            out.printf("server: refused connection from %s: %s%s%n", peer, why, more);
            last.put(host + why, new long[] {now, 0});
        }
    }

    private record Negotiator(InternalProtocolNegotiator.ProtocolNegotiator inner, boolean tls, Throttled log)
            implements InternalProtocolNegotiator.ProtocolNegotiator {
        @Override
        public AsciiString scheme() { return inner.scheme(); }

        @Override
        public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpc) { return new Failures(inner.newHandler(grpc), grpc, tls, log); }

        @Override
        public void close() { inner.close(); }
    }

    /** Placed where the negotiation handler would be: puts it before itself and the sniffer at the head; logs negotiation failures. */
    private static final class Failures extends ChannelInboundHandlerAdapter {
        private final ChannelHandler negotiation, grpc;
        private final boolean tls;
        private final Throttled log;

        Failures(ChannelHandler negotiation, ChannelHandler grpc, boolean tls, Throttled log) {
            this.negotiation = negotiation;
            this.grpc = grpc;
            this.tls = tls;
            this.log = log;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ctx.pipeline().addBefore(ctx.name(), null, negotiation);
            ctx.pipeline().addFirst(new Sniffer(tls, log));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
            // only while negotiating (gRPC's HTTP/2 handler joins the pipeline once done): a later reset is no refusal
            boolean negotiating = ctx.pipeline().context(grpc) == null;
            if (negotiating && ctx.channel().attr(LOGGED).setIfAbsent(true) == null) {
                Throwable root = cause;
                while (root.getCause() != null && root.getCause() != root) root = root.getCause();
                log.refused(ctx.channel().remoteAddress(), (tls ? "TLS handshake failed: " : "connection failed: ")
                        + (root.getMessage() != null ? root.getMessage() : root));
            }
            super.exceptionCaught(ctx, cause);
        }
    }

    /** Looks at a connection's first bytes, logs a mismatch with the peer's address, then leaves the pipeline. */
    private static final class Sniffer extends ChannelInboundHandlerAdapter {
        private final boolean tls;
        private final Throttled log;

        Sniffer(boolean tls, Throttled log) {
            this.tls = tls;
            this.log = log;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof ByteBuf buf && buf.isReadable()) {
                byte[] first = new byte[Math.min(buf.readableBytes(), PREFACE.length)];
                buf.getBytes(buf.readerIndex(), first);
                String why = mismatch(first, tls);
                if (why != null) {
                    ctx.channel().attr(LOGGED).set(true);
                    log.refused(ctx.channel().remoteAddress(), why);
                    if (tls && startsLikePreface(first)) { // tell the plaintext client why, in frames it can read
                        buf.release();
                        ctx.writeAndFlush(Unpooled.wrappedBuffer(goAway(TLS_REQUIRED))).addListener(ChannelFutureListener.CLOSE);
                        return;
                    }
                }
            }
            ctx.fireChannelRead(msg);
            if (ctx.pipeline().context(this) != null) ctx.pipeline().remove(this);
        }
    }
}
