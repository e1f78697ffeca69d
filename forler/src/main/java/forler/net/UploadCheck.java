package forler.net;

import forler.engine.Shapes;
import forler.engine.Tensor;
import forler.engine.nn.Module;
import forler.net.proto.CriticUpload;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The server's checks of an uploaded critic before anything of it is merged (docs/design.md §Federation). An upload is rejected,
 * with the reason, when its device id is unknown, its round is not the open one (stale or from the future),
 * the device already has an accepted upload this round (a duplicate id), its bytes are not safetensors, its
 * tensor names or shapes differ from the 2-head critic the server expects, a value is NaN or ±Inf, or the L2
 * norm of the critic's (or target's) parameters exceeds {@code maxNorm}.
 */
public final class UploadCheck {
    /** Outcome: the decoded critic and target, or the reason for the rejection (then both maps are null). */
    public record Verdict(String reason, Map<String, Tensor> critic, Map<String, Tensor> target) {
        public boolean accepted() { return reason == null; }

        static Verdict reject(String reason) { return new Verdict(reason, null, null); }
    }

    private final Map<String, int[]> expected = new LinkedHashMap<>(); // parameter name → shape of the 2-head critic
    private final int devices;
    private final double maxNorm;

    /** @param reference a critic of the expected architecture (2 heads); only its parameter shapes are used */
    public UploadCheck(Module reference, int devices, double maxNorm) {
        reference.params().forEach((k, v) -> expected.put(k, v.shape.clone()));
        this.devices = devices;
        this.maxNorm = maxNorm;
    }

    /**
     * @param openRound the round that takes uploads now, or −1 when none does (between rounds)
     * @param accepted  the devices whose upload for {@code openRound} is already accepted
     */
    public Verdict check(CriticUpload u, int openRound, Set<Integer> accepted) {
        int k = u.getDeviceId();
        if (k < 0 || k >= devices) return Verdict.reject("device id " + k + " is not in [0, " + devices + ")");
        if (openRound < 0) return Verdict.reject("round " + u.getRound() + " is not open (the server is between rounds)");
        if (u.getRound() < openRound) return Verdict.reject("stale round " + u.getRound() + ": the server is at round " + openRound);
        if (u.getRound() > openRound) return Verdict.reject("round " + u.getRound() + " is ahead of the server's round " + openRound);
        if (accepted.contains(k)) return Verdict.reject("duplicate: device " + k + " already has an accepted upload for round " + openRound);
        Map<String, Tensor> critic, target;
        String why;
        try {
            critic = WeightsCodec.decode(u.getCritic(), "upload of device " + k + " (critic)");
            target = WeightsCodec.decode(u.getTarget(), "upload of device " + k + " (target)");
        } catch (IOException | RuntimeException e) {
            return Verdict.reject("not a valid safetensors payload: " + e.getMessage());
        }
        if ((why = contents("critic", critic)) != null || (why = contents("target", target)) != null) return Verdict.reject(why);
        return new Verdict(null, critic, target);
    }

    /** Names, shapes, finiteness and norm of one module's tensors; null when fine. */
    private String contents(String what, Map<String, Tensor> t) {
        if (!t.keySet().equals(expected.keySet())) {
            return what + " has tensors " + t.keySet() + ", expected " + expected.keySet();
        }
        double sq = 0;
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            Tensor v = t.get(e.getKey());
            if (!Arrays.equals(v.shape, e.getValue())) {
                return what + " tensor '" + e.getKey() + "' has shape " + Shapes.str(v.shape) + ", expected " + Shapes.str(e.getValue());
            }
            for (int i = 0; i < v.data.length; i++) {
                float x = v.data[i];
                if (!Float.isFinite(x)) return what + " tensor '" + e.getKey() + "' has a non-finite value " + x + " at index " + i;
                sq += (double) x * x;
            }
        }
        double norm = Math.sqrt(sq);
        if (norm > maxNorm) {
            return String.format("%s parameter norm %.4g exceeds the bound %.4g (--max-norm)", what, norm, maxNorm);
        }
        return null;
    }
}
