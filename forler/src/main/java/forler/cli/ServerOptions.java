package forler.cli;

import forler.rl.ForlerServer;
import picocli.CommandLine.Option;

/** FORLER's server flags (Eqs. 6–7 and the broadcast), shared by {@code forler run|experiment} and {@code forler server}. */
public final class ServerOptions {
    @Option(names = "--omega-s", defaultValue = "1", description = "ω_s, weight of FORLER's server conservative term (Eq. 6; 0 gives plain SAC-N). Default: ${DEFAULT-VALUE}.")
    float omegaS;
    @Option(names = "--omega-s-per-head", description = "FORLER's server: the ω_s gap summed over the 2K heads (each head feels ω_s, as ω_c on a device) instead of averaged.")
    boolean omegaSPerHead;
    @Option(names = "--server-steps", defaultValue = "0", description = "G, FORLER's server steps per round on D_o (Eqs. 6-7); 0 means G = Γ (--local-steps). Default: ${DEFAULT-VALUE}.")
    int serverSteps;
    @Option(names = "--broadcast", defaultValue = "average",
            description = "Critics sent back: average (the K pairs averaged), own (each device its own pair) or mix (the mean of the two). Default: ${DEFAULT-VALUE}.")
    String broadcast;

    /** ω_s, checked. */
    float omegaS() {
        if (!(omegaS >= 0) || Float.isInfinite(omegaS)) throw new IllegalArgumentException("--omega-s must be a finite number >= 0, got " + omegaS);
        return omegaS;
    }

    /** G, checked: --server-steps, or Γ = {@code localSteps} when it is 0. */
    int serverSteps(int localSteps) {
        if (serverSteps < 0) throw new IllegalArgumentException("--server-steps must be >= 0 (0 means G = Γ), got " + serverSteps);
        return serverSteps > 0 ? serverSteps : localSteps;
    }

    ForlerServer.Broadcast broadcast() {
        return ForlerServer.Broadcast.parse(broadcast);
    }
}
