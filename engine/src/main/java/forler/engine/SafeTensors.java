package forler.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checkpoints in the safetensors format, so that PyTorch users can open them ({@code safetensors.torch.load_file}).
 *
 * <p>Layout: an unsigned 64-bit little-endian header length N; N bytes of UTF-8 JSON
 * {@code {"__metadata__": {"k": "v"}, "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}}
 * padded with spaces to a multiple of 8 bytes; then the raw little-endian data, offsets relative to its start,
 * every byte owned by exactly one tensor.
 *
 * <p>Writes F32 tensors and, for counters and RNG states, I64 arrays; reads F32, F64, I64 and I32 (converted to
 * float; the integer ones also exactly as longs). A file is written to a temporary file beside the target and
 * renamed over it, so a crash never leaves a half-written checkpoint. A truncated or corrupt file gives a
 * {@link CorruptFileException} naming the file and what is wrong.
 */
public final class SafeTensors {
    private SafeTensors() {}

    /** The reference implementation refuses larger headers; so do we (a corrupt length would allocate gigabytes). */
    static final int MAX_HEADER = 100_000_000;
    private static final String METADATA = "__metadata__";

    /** A file that is not a valid safetensors checkpoint. */
    public static final class CorruptFileException extends IOException {
        CorruptFileException(Path file, String what) {
            super("checkpoint " + file + ": " + what + ". The file is truncated, corrupt or not a safetensors file: "
                    + "re-create the checkpoint (or restore it from a copy)");
        }
    }

    /**
     * What {@link #read} found. {@code tensors} holds every entry as float32, in header order; {@code longs} holds
     * the integer entries (I64, I32) again, exactly and flattened; {@code metadata} the string map (empty if none).
     */
    public record Loaded(Map<String, Tensor> tensors, Map<String, long[]> longs, Map<String, String> metadata) {
        /** The tensor called {@code name}, or an error listing the names there are. */
        public Tensor tensor(String name) {
            Tensor t = tensors.get(name);
            if (t == null) throw new IllegalArgumentException("checkpoint has no tensor '" + name + "'; it has " + tensors.keySet());
            return t;
        }

        /** The integer array called {@code name}, or an error listing the integer entries there are. */
        public long[] longArray(String name) {
            long[] v = longs.get(name);
            if (v == null) throw new IllegalArgumentException("checkpoint has no integer array '" + name + "'; it has " + longs.keySet());
            return v;
        }
    }

    /** The element types this class knows, with their safetensors names and sizes in bytes. */
    private enum Dtype {
        F32(4), F64(8), I64(8), I32(4);

        final int bytes;

        Dtype(int bytes) { this.bytes = bytes; }
    }

    // ------------------------------------------------------------------ writing

    /** Writes {@code tensors} as F32 (sorted by name) and {@code metadata} (may be null) atomically to {@code file}. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        write(file, tensors, Map.of(), metadata);
    }

    /**
     * Writes {@code tensors} as F32 and {@code longs} as 1-D I64 arrays (all names distinct) plus {@code metadata}
     * (may be null) atomically to {@code file}. The data of the 8-byte I64 entries comes first, then the F32 ones,
     * each group sorted by name, so that every entry is aligned to its element size (as the reference writer does).
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, long[]> longs, Map<String, String> metadata)
            throws IOException {
        byte[] bytes = toBytes(tensors, longs, metadata);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // CREATE_NEW under a random name rather than Files.createTempFile, whose files are 0600 whatever the umask
        Path tmp = dir.resolve(file.getFileName() + "." + Long.toUnsignedString(new java.security.SecureRandom().nextLong()) + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
                writeFully(ch, ByteBuffer.wrap(bytes));
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp); // only still there when something above failed
        }
    }

    /**
     * The bytes {@link #write} puts in a file, held in memory (e.g. to send weights in a network message).
     * The data of the 8-byte I64 entries comes first, then the F32 ones, each group sorted by name, so that every
     * entry is aligned to its element size (as the reference writer does).
     */
    public static byte[] toBytes(Map<String, Tensor> tensors, Map<String, long[]> longs, Map<String, String> metadata) {
        TreeMap<String, long[]> ls = new TreeMap<>(longs);
        TreeMap<String, Tensor> ts = new TreeMap<>(tensors);
        for (String name : ls.keySet()) {
            if (ts.containsKey(name)) throw new IllegalArgumentException("safetensors write: '" + name + "' is both a tensor and a long array");
        }
        StringBuilder h = new StringBuilder("{");
        if (metadata != null && !metadata.isEmpty()) {
            h.append(Json.quote(METADATA)).append(":{");
            String sep = "";
            for (var e : new TreeMap<>(metadata).entrySet()) {
                if (e.getValue() == null) throw new IllegalArgumentException("safetensors write: metadata '" + e.getKey() + "' is null");
                h.append(sep).append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
                sep = ",";
            }
            h.append('}');
        }
        long offset = 0;
        for (var e : ls.entrySet()) {
            long[] v = checkEntry(e.getKey(), e.getValue());
            offset = entry(h, e.getKey(), Dtype.I64, new int[] {v.length}, offset, 8L * v.length);
        }
        for (var e : ts.entrySet()) {
            Tensor t = checkEntry(e.getKey(), e.getValue());
            offset = entry(h, e.getKey(), Dtype.F32, t.shape, offset, 4L * t.size());
        }
        h.append('}');
        byte[] header = pad(h.toString().getBytes(StandardCharsets.UTF_8));
        if (8L + header.length + offset > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("safetensors write: " + (8L + header.length + offset) + " bytes exceed the 2 GiB this writer handles");
        }
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        for (long[] v : ls.values()) for (long x : v) b.putLong(x);
        for (Tensor t : ts.values()) {
            b.asFloatBuffer().put(t.data); // a view from the current position: bulk copy, then advance
            b.position(b.position() + 4 * t.size());
        }
        return b.array();
    }

    private static <T> T checkEntry(String name, T value) {
        if (name == null || name.isEmpty() || name.equals(METADATA)) {
            throw new IllegalArgumentException("safetensors write: invalid tensor name '" + name + "'");
        }
        if (value == null) throw new IllegalArgumentException("safetensors write: tensor '" + name + "' is null");
        return value;
    }

    /** Appends one header entry and returns the offset after its data. */
    private static long entry(StringBuilder h, String name, Dtype dtype, int[] shape, long begin, long bytes) {
        if (h.length() > 1) h.append(',');
        h.append(Json.quote(name)).append(":{\"dtype\":\"").append(dtype).append("\",\"shape\":[");
        for (int i = 0; i < shape.length; i++) h.append(i == 0 ? "" : ",").append(shape[i]);
        h.append("],\"data_offsets\":[").append(begin).append(',').append(begin + bytes).append("]}");
        return begin + bytes;
    }

    /** Pads with spaces to a multiple of 8 bytes, so the data section starts aligned (as the reference writer). */
    private static byte[] pad(byte[] header) {
        byte[] p = Arrays.copyOf(header, (header.length + 7) / 8 * 8);
        Arrays.fill(p, header.length, p.length, (byte) ' ');
        return p;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    // ------------------------------------------------------------------ reading

    /** Reads a safetensors file; see {@link Loaded}. */
    public static Loaded read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE - 16) throw new CorruptFileException(file, size + " bytes is more than this reader handles (2 GiB)");
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length != size) throw new CorruptFileException(file, "the file changed size while being read");
        return parse(file, bytes);
    }

    /** Reads safetensors bytes held in memory (see {@link #toBytes}); errors name them by {@code source}. */
    public static Loaded read(byte[] bytes, String source) throws IOException { return parse(Path.of(source), bytes); }

    private static Loaded parse(Path file, byte[] bytes) throws IOException {
        long size = bytes.length;
        if (size < 8) throw new CorruptFileException(file, "only " + size + " bytes, fewer than the 8-byte header length");
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong(0);
        if (n < 0 || n > size - 8) {
            throw new CorruptFileException(file, "header length " + Long.toUnsignedString(n) + " is larger than the "
                    + (size - 8) + " bytes after it");
        }
        if (n > MAX_HEADER) throw new CorruptFileException(file, "header length " + n + " exceeds the limit of " + MAX_HEADER);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(buf.slice(8, (int) n)).toString();
        } catch (CharacterCodingException e) {
            throw new CorruptFileException(file, "header is not valid UTF-8");
        }
        if (!text.startsWith("{")) throw new CorruptFileException(file, "header does not start with '{'");
        Map<String, Object> header;
        try {
            header = new Json(text).document();
        } catch (IllegalArgumentException e) {
            throw new CorruptFileException(file, "malformed JSON header: " + e.getMessage());
        }
        int dataStart = 8 + (int) n;
        long dataLen = size - dataStart;

        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, long[]> longs = new LinkedHashMap<>();
        List<long[]> spans = new ArrayList<>(); // {begin, end} of every entry, to check the data is tiled exactly
        List<String> spanNames = new ArrayList<>();
        for (var e : header.entrySet()) {
            String name = e.getKey();
            if (name.equals(METADATA)) {
                if (!(e.getValue() instanceof Map<?, ?> m)) throw new CorruptFileException(file, METADATA + " is not an object");
                for (var kv : m.entrySet()) {
                    if (!(kv.getValue() instanceof String s)) {
                        throw new CorruptFileException(file, "metadata value of '" + kv.getKey() + "' is not a string");
                    }
                    metadata.put((String) kv.getKey(), s);
                }
                continue;
            }
            String where = "tensor '" + name + "'";
            if (!(e.getValue() instanceof Map<?, ?> info)) throw new CorruptFileException(file, where + " is not an object");
            if (!info.keySet().equals(java.util.Set.of("dtype", "shape", "data_offsets"))) {
                throw new CorruptFileException(file, where + " has fields " + info.keySet() + ", expected dtype, shape, data_offsets");
            }
            Dtype dtype = dtype(file, where, info.get("dtype"));
            long[] shapeL = naturals(file, where + " shape", info.get("shape"), -1);
            long[] off = naturals(file, where + " data_offsets", info.get("data_offsets"), 2);
            long count = 1;
            int[] shape = new int[shapeL.length];
            for (int i = 0; i < shape.length; i++) {
                count *= shapeL[i];
                if (shapeL[i] > Integer.MAX_VALUE || count > Integer.MAX_VALUE) {
                    throw new CorruptFileException(file, where + " shape " + Arrays.toString(shapeL) + " is too large");
                }
                shape[i] = (int) shapeL[i];
            }
            if (off[0] > off[1] || off[1] > dataLen) {
                throw new CorruptFileException(file, where + " data_offsets " + Arrays.toString(off) + " are out of range [0, "
                        + dataLen + "] of the data section");
            }
            if (off[1] - off[0] != count * dtype.bytes) {
                throw new CorruptFileException(file, where + " shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                        + count * dtype.bytes + " bytes but data_offsets " + Arrays.toString(off) + " span " + (off[1] - off[0]));
            }
            spans.add(off);
            spanNames.add(name);
            ByteBuffer b = buf.slice(dataStart + (int) off[0], (int) (off[1] - off[0])).order(ByteOrder.LITTLE_ENDIAN);
            float[] data = new float[(int) count];
            switch (dtype) {
                case F32 -> b.asFloatBuffer().get(data);
                case F64 -> { for (int i = 0; i < data.length; i++) data[i] = (float) b.getDouble(8 * i); }
                case I64, I32 -> {
                    long[] v = new long[(int) count];
                    for (int i = 0; i < v.length; i++) v[i] = dtype == Dtype.I64 ? b.getLong(8 * i) : b.getInt(4 * i);
                    for (int i = 0; i < v.length; i++) data[i] = v[i];
                    longs.put(name, v);
                }
            }
            tensors.put(name, Tensor.of(data, shape));
        }
        checkTiling(file, spans, spanNames, dataLen);
        return new Loaded(tensors, longs, metadata);
    }

    private static Dtype dtype(Path file, String where, Object v) throws CorruptFileException {
        for (Dtype d : Dtype.values()) if (d.name().equals(v)) return d;
        throw new CorruptFileException(file, where + " has dtype " + v + ", which this reader does not support (it reads "
                + Arrays.toString(Dtype.values()) + "; in PyTorch convert with .float() before saving)");
    }

    /** A JSON array of non-negative integers, of the given length (or any length when {@code len < 0}). */
    private static long[] naturals(Path file, String what, Object v, int len) throws CorruptFileException {
        if (!(v instanceof List<?> list) || (len >= 0 && list.size() != len)) {
            throw new CorruptFileException(file, what + " is " + v + ", expected an array of " + (len >= 0 ? len + " " : "")
                    + "non-negative integers");
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long x) || x < 0) {
                throw new CorruptFileException(file, what + " is " + v + ", expected non-negative integers");
            }
            out[i] = x;
        }
        return out;
    }

    /** The entries must cover the data section exactly: no overlap, no hole, nothing after the last one. */
    private static void checkTiling(Path file, List<long[]> spans, List<String> names, long dataLen) throws CorruptFileException {
        Integer[] order = new Integer[spans.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> spans.get(a)[0] != spans.get(b)[0] ? Long.compare(spans.get(a)[0], spans.get(b)[0])
                : Long.compare(spans.get(a)[1], spans.get(b)[1]));
        long end = 0;
        String prev = null;
        for (int i : order) {
            long[] s = spans.get(i);
            if (s[0] < end) {
                throw new CorruptFileException(file, "tensors '" + prev + "' and '" + names.get(i) + "' overlap (data_offsets "
                        + Arrays.toString(s) + " start before " + end + ")");
            }
            if (s[0] > end) throw new CorruptFileException(file, "bytes " + end + ".." + s[0] + " of the data belong to no tensor");
            end = s[1];
            prev = names.get(i);
        }
        if (end != dataLen) {
            throw new CorruptFileException(file, "the data section has " + dataLen + " bytes but the tensors cover " + end
                    + (end > dataLen ? "" : " (extra bytes at the end)"));
        }
    }

    // ------------------------------------------------------------------ a small strict JSON reader/writer

    /**
     * Just enough JSON for safetensors headers: objects (→ LinkedHashMap, duplicate keys rejected), arrays
     * (→ List), strings, integers (→ Long), other numbers (→ Double), true/false/null. Errors name the position.
     */
    static final class Json {
        private final String s;
        private int i;

        Json(String s) { this.s = s; }

        /** One top-level object followed only by whitespace (the space padding). */
        Map<String, Object> document() {
            Object v = value();
            skipWs();
            if (i != s.length()) throw error("unexpected '" + s.charAt(i) + "' after the header object");
            @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) v;
            return m;
        }

        private Object value() {
            skipWs();
            if (i >= s.length()) throw error("unexpected end");
            char c = s.charAt(i);
            if (c == '{') return object();
            if (c == '[') return array();
            if (c == '"') return string();
            if (c == '-' || (c >= '0' && c <= '9')) return number();
            for (String lit : new String[] {"true", "false", "null"}) {
                if (s.startsWith(lit, i)) {
                    i += lit.length();
                    return lit.equals("null") ? null : Boolean.valueOf(lit);
                }
            }
            throw error("unexpected '" + c + "'");
        }

        private Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            i++; // {
            skipWs();
            if (peek() == '}') {
                i++;
                return m;
            }
            while (true) {
                skipWs();
                if (peek() != '"') throw error("expected a string key");
                String k = string();
                skipWs();
                expect(':');
                if (m.containsKey(k)) throw error("duplicate key \"" + k + "\"");
                m.put(k, value());
                skipWs();
                if (peek() == ',') { i++; continue; }
                expect('}');
                return m;
            }
        }

        private List<Object> array() {
            List<Object> a = new ArrayList<>();
            i++; // [
            skipWs();
            if (peek() == ']') {
                i++;
                return a;
            }
            while (true) {
                a.add(value());
                skipWs();
                if (peek() == ',') { i++; continue; }
                expect(']');
                return a;
            }
        }

        private String string() {
            StringBuilder b = new StringBuilder();
            i++; // opening quote
            while (true) {
                if (i >= s.length()) throw error("unterminated string");
                char c = s.charAt(i++);
                if (c == '"') return b.toString();
                if (c < 0x20) throw error("control character in string");
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                if (i >= s.length()) throw error("unterminated string");
                char e = s.charAt(i++);
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        if (i + 4 > s.length()) throw error("short \\u escape");
                        try {
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        } catch (NumberFormatException x) {
                            throw error("bad \\u escape");
                        }
                        i += 4;
                    }
                    default -> throw error("bad escape \\" + e);
                }
            }
        }

        private Object number() {
            int start = i;
            if (peek() == '-') i++;
            int digits = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
            if (i == digits || (s.charAt(digits) == '0' && i - digits > 1)) throw error("bad number");
            boolean integer = true;
            if (peek() == '.') {
                integer = false;
                i++;
                int f = i;
                while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
                if (i == f) throw error("bad number");
            }
            if (peek() == 'e' || peek() == 'E') {
                integer = false;
                i++;
                if (peek() == '+' || peek() == '-') i++;
                int f = i;
                while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
                if (i == f) throw error("bad number");
            }
            String t = s.substring(start, i);
            try {
                return integer ? (Object) Long.parseLong(t) : (Object) Double.parseDouble(t);
            } catch (NumberFormatException x) {
                throw error("number " + t + " out of range");
            }
        }

        private char peek() { return i < s.length() ? s.charAt(i) : '\0'; }

        private void expect(char c) {
            if (peek() != c) throw error(i >= s.length() ? "unexpected end, expected '" + c + "'" : "expected '" + c + "'");
            i++;
        }

        private void skipWs() {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\n' || s.charAt(i) == '\r')) i++;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at character " + i);
        }

        /** A JSON string literal: quotes, backslashes and control characters escaped, the rest as is (UTF-8). */
        static String quote(String v) {
            StringBuilder b = new StringBuilder("\"");
            for (int k = 0; k < v.length(); k++) {
                char c = v.charAt(k);
                if (c == '"' || c == '\\') b.append('\\').append(c);
                else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                else b.append(c);
            }
            return b.append('"').toString();
        }
    }
}
