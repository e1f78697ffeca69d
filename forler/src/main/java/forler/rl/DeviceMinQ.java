package forler.rl;

import forler.engine.Buffers;
import forler.engine.DeviceCritic;

/**
 * The rectification's Q-function and search on a backend's {@link DeviceCritic} (the {@code cuda} backend: the
 * critic's weights resident on the GPU, the min over heads fused into the critic kernel, the whole search in one
 * call). The owner calls {@link #refresh()} whenever the critic's weights may have changed; each refresh is one
 * copy of all layers. {@link MinQ} is the CPU path and the reference.
 */
public final class DeviceMinQ implements ActorRectification.FusedSearch, AutoCloseable {
    private final DeviceCritic device;
    private final QEnsemble critic;
    private float[] bestQ = new float[0]; // [B] workspace

    /** Wraps {@code device}, which already holds {@code critic}'s current weights. */
    public DeviceMinQ(DeviceCritic device, QEnsemble critic) {
        this.device = device;
        this.critic = critic;
    }

    /** Copies the critic's current weights to the device (one upload). */
    public void refresh() { device.refresh(critic.net.layers); }

    @Override public void eval(float[] states, int repeat, float[] actions, int rows, float[] out) {
        device.minQ(states, repeat, actions, rows, out);
    }

    @Override public void search(float[] states, int b, float[] x0, ActorRectification.Config cfg, long seed, float[] bestOut) {
        if (cfg.minStd() != DeviceCritic.MIN_STD) {
            throw new IllegalArgumentException("the device search floors its std at " + DeviceCritic.MIN_STD + ", the config asks "
                    + cfg.minStd() + ": use the default minStd, or run without -Dforler.backend=cuda");
        }
        bestQ = Buffers.grow(bestQ, b);
        device.search(states, b, x0, cfg.samples(), cfg.iterations(), cfg.beta(), cfg.initStd(), seed, bestOut, bestQ);
    }

    @Override public long evaluations() { return device.evaluations(); }

    /** Where the critic runs. */
    public String device() { return device.device(); }

    @Override public void close() { device.close(); }
}
