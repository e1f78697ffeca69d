package forler.net;

import forler.data.Dataset;
import forler.env.ActionScale;
import forler.env.Env;
import forler.env.Tasks;
import forler.fed.ObsNorm;
import forler.net.proto.Settings;
import forler.rl.ActorRectification;
import forler.rl.DatasetTransitions;
import forler.rl.ForlerDevice;
import forler.rl.Transitions;

/**
 * The {@link Settings} message the server hands every device, and the device and rectification configs and the
 * state normalisation both sides derive from it exactly as the in-process runtime ({@code forler.fed.FedSimulation})
 * does from its flags.
 */
public final class RunSettings {
    private RunSettings() {}

    /**
     * The shared settings; D_o's statistics are added by the server ({@link #withStats}).
     *
     * @param obsNorm the state normalisation rule ({@code --obs-norm})
     * @throws IllegalArgumentException for {@link ObsNorm#POOLED}: no device's data leaves it
     */
    public static Settings of(String task, int devices, int rounds, int localSteps, int hidden, int depth, int batch, long seed,
            float alpha1, float alpha2, ActorRectification.Config rect, ObsNorm obsNorm) {
        if (obsNorm == ObsNorm.POOLED) throw new IllegalArgumentException(ObsNorm.POOLED_APART);
        return Settings.newBuilder().setTask(task).setDevices(devices).setRounds(rounds).setLocalSteps(localSteps)
                .setHidden(hidden).setDepth(depth).setBatch(batch).setSeed(seed).setAlpha1(alpha1).setAlpha2(alpha2)
                .setDelta(rect.period()).setSamples(rect.samples()).setIterations(rect.iterations())
                .setSearchTemp(rect.temperature().flag()).setObsNorm(obsNorm.flag())
                .setSearchInit(rect.initFlag()).setSearchInitStd(rect.initStd()).build();
    }

    /** {@code s} with D_o's state statistics ({@link Dataset#obsStats}) when its rule normalises states, else none. */
    public static Settings withStats(Settings s, Dataset serverData) {
        ObsNorm rule = obsNorm(s);
        if (rule == ObsNorm.POOLED) throw new IllegalArgumentException(ObsNorm.POOLED_APART);
        Settings.Builder b = s.toBuilder().clearObsMean().clearObsStd();
        if (rule != ObsNorm.NONE) {
            Dataset.ObsStats st = serverData.obsStats();
            for (int j = 0; j < st.mean().length; j++) b.addObsMean(st.mean()[j]).addObsStd(st.std()[j]);
        }
        return b.build();
    }

    /** The run's normalisation rule ("" from a server that did not send one: raw states). */
    public static ObsNorm obsNorm(Settings s) { return s.getObsNorm().isEmpty() ? ObsNorm.NONE : ObsNorm.parse(s.getObsNorm()); }

    /** The statistics of the server's networks and of the global policy: D_o's, or null (raw states) under none. */
    public static Dataset.ObsStats serverStats(Settings s) {
        if (obsNorm(s) == ObsNorm.NONE) return null;
        float[] mean = new float[s.getObsMeanCount()], std = new float[s.getObsStdCount()];
        for (int j = 0; j < mean.length; j++) mean[j] = s.getObsMean(j);
        for (int j = 0; j < std.length; j++) std[j] = s.getObsStd(j);
        return new Dataset.ObsStats(mean, std);
    }

    /** The statistics of device networks training on {@code own} (ObsNorm#device: D_o's, its own data's, or null). */
    public static Dataset.ObsStats deviceStats(Settings s, Dataset own) { return obsNorm(s).device(own, serverStats(s)); }

    /**
     * A dataset of the run's task as the learners' transitions: actions mapped to the unit box, states normalised by
     * {@code norm} (null: raw), as {@code forler.fed.FedSimulation} builds them.
     *
     * @throws IllegalArgumentException when the data's dimensions are not the task's
     */
    public static Transitions transitions(String task, Dataset d, Dataset.ObsStats norm) {
        try (Env env = Tasks.make(task)) {
            if (d.obsDim() != env.obsDim() || d.actDim() != env.actDim()) {
                throw new IllegalArgumentException("dataset has obs/act dims " + d.obsDim() + "/" + d.actDim() + " but task " + task
                        + " has " + env.obsDim() + "/" + env.actDim() + ": give data of that task");
            }
            return new DatasetTransitions(d, new ActionScale(env.actLow(), env.actHigh()), norm);
        }
    }

    /** ForlerDevice defaults with the run's sizes, batch and α1, α2 (as FedSimulation builds it). */
    public static ForlerDevice.Config device(Settings s) {
        ForlerDevice.Config d = ForlerDevice.Config.defaults();
        return new ForlerDevice.Config(s.getHidden(), s.getDepth(), d.gamma(), d.tau(), d.actorLr(), d.criticLr(), d.cqlWeight(),
                d.cqlSamples(), d.cqlNoise(), s.getAlpha1(), s.getAlpha2(), s.getBatch());
    }

    public static ActorRectification.Config rect(Settings s) {
        ActorRectification.Temperature t = s.getSearchTemp().isEmpty() ? ActorRectification.Temperature.FIXED
                : ActorRectification.Temperature.parse(s.getSearchTemp());
        ActorRectification.Config d = ActorRectification.Config.defaults();
        boolean atPolicy = !s.getSearchInit().isEmpty() && ActorRectification.Config.parseInit(s.getSearchInit());
        float initStd = s.getSearchInitStd() > 0 ? s.getSearchInitStd() : d.initStd();
        return d.withPeriod(s.getDelta()).withSearch(s.getSamples(), s.getIterations()).withTemperature(t).withInit(atPolicy, initStd);
    }

    /** Device k's RNG seed, the one forler.fed.Forler gives it. */
    public static long deviceSeed(Settings s, int k) { return s.getSeed() * 1000 + 17L * k + 1; }
}
