package forler.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Rows of named numbers (one per evaluation or round), written as CSV and JSON after every row, atomically,
 * so a killed run leaves a complete file. Columns are the union of all keys, in first-seen order.
 */
public final class RunLog {
    private final List<Map<String, Double>> rows = new ArrayList<>();
    private final Map<String, String> info = new LinkedHashMap<>();
    private final Path csv, json;

    /** Logs to {@code dir/name.csv} and {@code dir/name.json}. */
    public RunLog(Path dir, String name) {
        csv = dir.resolve(name + ".csv");
        json = dir.resolve(name + ".json");
    }

    /** A string recorded once in the JSON (command, seed, machine, broadcast mode...). */
    public RunLog info(String key, Object value) {
        info.put(key, String.valueOf(value));
        return this;
    }

    /** The info key a setting is recorded under: its flag without "--", '-' as '_' ({@code --data-seed}: data_seed). */
    public static String infoKey(String flag) { return flag.substring(2).replace('-', '_'); }

    public List<Map<String, Double>> rows() { return rows; }

    /** Appends a row and rewrites both files. */
    public void add(Map<String, Double> row) throws IOException {
        rows.add(new LinkedHashMap<>(row));
        flush();
    }

    /** Replaces the rows (resume: the rows already logged before the checkpoint). */
    public void restore(List<Map<String, Double>> previous) { rows.clear(); rows.addAll(previous); }

    public void flush() throws IOException {
        LinkedHashSet<String> cols = new LinkedHashSet<>();
        for (Map<String, Double> r : rows) cols.addAll(r.keySet());
        String header = String.join(",", cols);
        if (!header.equals(renderedHeader)) { // a new column changes every CSV line
            rendered.clear();
            renderedHeader = header;
        }
        StringBuilder c = new StringBuilder(header).append('\n');
        for (int r = 0; r < rows.size(); r++) c.append(rendered(r, cols).csv).append('\n');
        AtomicFiles.writeString(csv, c.toString());
        StringBuilder j = new StringBuilder("{\n  \"info\": {");
        int i = 0;
        for (Map.Entry<String, String> e : info.entrySet()) {
            j.append(i++ == 0 ? "\n" : ",\n").append("    ").append(quote(e.getKey())).append(": ").append(quote(e.getValue()));
        }
        j.append(info.isEmpty() ? "},\n" : "\n  },\n").append("  \"rows\": [");
        for (int r = 0; r < rows.size(); r++) j.append(r == 0 ? "\n    {" : ",\n    {").append(rendered.get(r).json).append('}');
        j.append(rows.isEmpty() ? "]\n}\n" : "\n  ]\n}\n");
        AtomicFiles.writeString(json, j.toString());
    }

    /** A row as written: its CSV line and its JSON object's body, and the values they were made from. */
    private record Rendered(Map<String, Double> from, String csv, String json) {}

    // Rows rendered by earlier flushes, reused while their values and the columns are unchanged: a run of R rounds
    // writes both files after every round, and formatting all R rows each time cost O(R²) (≈ 20 ms a round at 1000).
    private final List<Rendered> rendered = new ArrayList<>();
    private String renderedHeader;

    private Rendered rendered(int r, LinkedHashSet<String> cols) {
        Map<String, Double> row = rows.get(r);
        if (r < rendered.size() && same(rendered.get(r).from(), row)) return rendered.get(r);
        List<String> cells = new ArrayList<>();
        for (String k : cols) cells.add(row.containsKey(k) ? num(row.get(k)) : "");
        StringBuilder j = new StringBuilder();
        int k = 0;
        for (Map.Entry<String, Double> e : row.entrySet()) {
            j.append(k++ == 0 ? "" : ", ").append(quote(e.getKey())).append(": ").append(jsonNum(e.getValue()));
        }
        Rendered x = new Rendered(new LinkedHashMap<>(row), String.join(",", cells), j.toString());
        if (r < rendered.size()) rendered.set(r, x);
        else rendered.add(x);
        return x;
    }

    /** The same keys in the same order with the same values (NaN equal to NaN). */
    private static boolean same(Map<String, Double> a, Map<String, Double> b) {
        if (a.size() != b.size()) return false;
        var i = b.entrySet().iterator();
        for (Map.Entry<String, Double> e : a.entrySet()) {
            Map.Entry<String, Double> f = i.next();
            if (!e.getKey().equals(f.getKey()) || !java.util.Objects.equals(e.getValue(), f.getValue())) return false;
        }
        return true;
    }

    /** Reads rows back from a CSV written by this class (for --resume). */
    public static List<Map<String, Double>> readCsv(Path file) throws IOException {
        if (!java.nio.file.Files.exists(file)) {
            throw new IOException(file + " is missing: the run's log is gone: restore it, or start the run again with --overwrite");
        }
        List<String> lines = java.nio.file.Files.readAllLines(file);
        List<Map<String, Double>> out = new ArrayList<>();
        if (lines.isEmpty()) return out;
        String[] head = lines.get(0).split(",", -1);
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            String[] cells = lines.get(i).split(",", -1);
            Map<String, Double> r = new LinkedHashMap<>();
            for (int k = 0; k < head.length && k < cells.length; k++) {
                if (cells[k].isEmpty()) continue;
                try {
                    r.put(head[k], Double.parseDouble(cells[k]));
                } catch (NumberFormatException e) { // a damaged log: say where, and what to do
                    throw new IOException(file + " line " + (i + 1) + ", column " + head[k] + ": '" + cells[k] + "' is not a number; "
                            + "the log is damaged: restore it, or start the run again with --overwrite");
                }
            }
            out.add(r);
        }
        return out;
    }

    /** Reads back the info block of a JSON written by this class (e.g. a run's settings); empty when there is none. */
    public static Map<String, String> readInfo(Path json) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        boolean in = false;
        for (String line : java.nio.file.Files.readAllLines(json)) {
            String t = line.trim();
            if (t.startsWith("\"info\": {")) in = true;
            else if (in && t.startsWith("}")) break;
            else if (in) {
                java.util.regex.Matcher kv = KEY_VALUE.matcher(t);
                if (kv.matches()) m.put(unquote(kv.group(1)), unquote(kv.group(2)));
            }
        }
        return m;
    }

    private static final java.util.regex.Pattern KEY_VALUE = java.util.regex.Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\": \"((?:[^\"\\\\]|\\\\.)*)\",?");

    private static String unquote(String s) { return s.replaceAll("\\\\(.)", "$1"); }

    /**
     * Whole numbers (round, steps, counts) as integers, anything else with 6 significant digits, and a value whose
     * 6 digits are a whole number (62.0000, 1.23457e+06) as that integer: what {@link #readCsv} reads back is then
     * written again as the same text, so a resumed run rewrites its earlier rows unchanged.
     */
    public static String num(Double v) {
        if (v == null) return "";
        if (whole(v)) return Long.toString(v.longValue());
        String s = String.format(Locale.ROOT, "%.6g", v);
        double back = Double.parseDouble(s);
        return whole(back) ? Long.toString((long) back) : s;
    }

    private static boolean whole(double v) { return v == Math.rint(v) && Math.abs(v) < 1e15; }

    private static String jsonNum(Double v) { return v == null || v.isNaN() || v.isInfinite() ? "null" : num(v); }

    public static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            if (ch == '"' || ch == '\\') b.append('\\').append(ch);
            else if (ch < 0x20) b.append(String.format("\\u%04x", (int) ch));
            else b.append(ch);
        }
        return b.append('"').toString();
    }
}
