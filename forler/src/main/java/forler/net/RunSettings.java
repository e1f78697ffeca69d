package forler.net;

import forler.net.proto.Settings;
import forler.rl.ActorRectification;
import forler.rl.ForlerDevice;

/**
 * The {@link Settings} message the server hands every device, and the device and rectification configs both
 * sides derive from it exactly as the in-process runtime ({@code forler.fed.FedSimulation}) does from its flags.
 */
public final class RunSettings {
    private RunSettings() {}

    public static Settings of(String task, int devices, int rounds, int localSteps, int hidden, int depth, int batch, long seed,
            float alpha1, float alpha2, ActorRectification.Config rect) {
        return Settings.newBuilder().setTask(task).setDevices(devices).setRounds(rounds).setLocalSteps(localSteps)
                .setHidden(hidden).setDepth(depth).setBatch(batch).setSeed(seed).setAlpha1(alpha1).setAlpha2(alpha2)
                .setDelta(rect.period()).setSamples(rect.samples()).setIterations(rect.iterations()).build();
    }

    /** ForlerDevice defaults with the run's sizes, batch and α1, α2 (as FedSimulation builds it). */
    public static ForlerDevice.Config device(Settings s) {
        ForlerDevice.Config d = ForlerDevice.Config.defaults();
        return new ForlerDevice.Config(s.getHidden(), s.getDepth(), d.gamma(), d.tau(), d.actorLr(), d.criticLr(), d.cqlWeight(),
                d.cqlSamples(), d.cqlNoise(), s.getAlpha1(), s.getAlpha2(), s.getBatch());
    }

    public static ActorRectification.Config rect(Settings s) {
        return ActorRectification.Config.defaults().withPeriod(s.getDelta()).withSearch(s.getSamples(), s.getIterations());
    }

    /** Device k's RNG seed, the one forler.fed.Forler gives it. */
    public static long deviceSeed(Settings s, int k) { return s.getSeed() * 1000 + 17L * k + 1; }
}
