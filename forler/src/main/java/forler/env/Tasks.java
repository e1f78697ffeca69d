package forler.env;

import java.lang.reflect.InvocationTargetException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The registry of tasks by CLI name: {@code Tasks.make("pendulum")}, {@link #all()}, {@link #info(String)},
 * {@link #normalizedScore(String, double)}.
 * <p>
 * Pure-Java tasks are always available. The MuJoCo tasks live in {@code forler.env.mujoco} and are looked up by
 * reflection ({@code HopperEnv}, ... with a public no-argument constructor, and {@code MuJoCo.available()} /
 * {@code MuJoCo.unavailableReason()}), so this class compiles and runs without them; where they or the native
 * library are missing they report why and {@link #make} refuses them with that reason.
 * <p>
 * Reference returns for the normalised score {@code 100·(R − R_random)/(R_expert − R_random)}:
 * D4RL's published ones for the MuJoCo tasks; the project's own for the pure-Java tasks (see {@link Info}).
 */
public final class Tasks {
    private Tasks() {}

    /**
     * What the registry knows about a task.
     *
     * @param name           CLI name
     * @param gymId          the Gymnasium / D4RL task it reproduces
     * @param obsDim         observation length
     * @param actDim         action length (all tasks' actions lie in [−1, 1] except pendulum's [−2, 2])
     * @param episodeSteps   time limit (max episode steps)
     * @param randomReturn   reference return of a uniform random policy
     * @param expertReturn   reference return of an expert policy
     * @param projectOwn     true when the references are the project's own (pure-Java tasks), false for D4RL's
     * @param referenceNote  where the two references come from
     */
    public record Info(String name, String gymId, int obsDim, int actDim, int episodeSteps,
                       double randomReturn, double expertReturn, boolean projectOwn, String referenceNote) {
        /** {@code 100·(R − R_random)/(R_expert − R_random)}: 0 is random, 100 expert. */
        public double normalizedScore(double ret) {
            return 100.0 * (ret - randomReturn) / (expertReturn - randomReturn);
        }

        /** Whether {@link Tasks#make} can build this task on this machine. */
        public boolean available() { return unavailableReason() == null; }

        /** Why the task cannot run here, or null when it can. */
        public String unavailableReason() { return Tasks.unavailableReason(name); }
    }

    // Random returns of the pure-Java tasks: measured with `forler tasks --measure 100` (today: `java -cp
    // forler/target/forler-all.jar forler.cli.TasksCommand --measure 100`; Rollouts.evaluate of
    // Rollouts.uniformRandom, 100 episodes, episode k from reset(k), policy Rng seeded 0). The run is recorded in
    // docs/envs.md; TasksTest re-measures the two cheap ones. Re-measure whenever a task's dynamics change.
    // Expert returns: pendulum and mountaincar are the project's shipped SAC experts, deterministic, 50 episodes
    // (docs/behaviour-policies.md: −161.16 and 94.65). lunarlander keeps a typical published SAC return (≈ 270) because
    // its shipped SAC expert is weaker (153.9); bipedalwalker uses 300, Gymnasium's "solved" return, because its
    // shipped expert (distilled from Gymnasium's heuristic gait by `forler distill`) scores 150.4, better than the gait
    // (72.8) but well below 300.
    private static final double RANDOM_PENDULUM = -1206.6716;
    private static final double RANDOM_MOUNTAINCAR = -32.1518;
    private static final double RANDOM_LUNARLANDER = -208.3991;
    private static final double RANDOM_BIPEDALWALKER = -106.2933;
    private static final String OWN_NOTE = "project's own: random measured (100 episodes, seed 0), expert = the shipped SAC expert";
    private static final String PUBLISHED_NOTE = "project's own: random measured (100 episodes, seed 0); expert = a typical "
            + "published SAC return (the shipped SAC expert scores below it)";
    private static final String SOLVED_NOTE = "project's own: random measured (100 episodes, seed 0); expert = 300, "
            + "Gymnasium's 'solved' return (the shipped expert, distilled from Gymnasium's heuristic gait, scores below it)";
    private static final String D4RL_NOTE = "D4RL reference returns (d4rl/infos.py REF_MIN_SCORE / REF_MAX_SCORE)";

    private static final String MUJOCO_PACKAGE = "forler.env.mujoco";
    private static final Map<String, Info> INFOS = new LinkedHashMap<>();
    private static final Map<String, Supplier<Env>> JAVA_FACTORIES = new LinkedHashMap<>();
    private static final Map<String, String> MUJOCO_CLASSES = new LinkedHashMap<>();

    static {
        javaTask(new Info("pendulum", "Pendulum-v1", 3, 1, PendulumEnv.MAX_EPISODE_STEPS,
                RANDOM_PENDULUM, -161.16, true, OWN_NOTE), PendulumEnv::new);
        javaTask(new Info("mountaincar", "MountainCarContinuous-v0", 2, 1, MountainCarEnv.MAX_EPISODE_STEPS,
                RANDOM_MOUNTAINCAR, 94.65, true, OWN_NOTE), MountainCarEnv::new);
        javaTask(new Info("lunarlander", "LunarLanderContinuous-v3", 8, 2, LunarLanderEnv.MAX_EPISODE_STEPS,
                RANDOM_LUNARLANDER, 270.0, true, PUBLISHED_NOTE), LunarLanderEnv::new);
        javaTask(new Info("bipedalwalker", "BipedalWalker-v3", 24, 4, BipedalWalkerEnv.MAX_EPISODE_STEPS,
                RANDOM_BIPEDALWALKER, 300.0, true, SOLVED_NOTE), BipedalWalkerEnv::new);
        mujocoTask(new Info("hopper", "Hopper-v3 (D4RL hopper-*-v2)", 11, 3, 1000, -20.272305, 3234.3, false, D4RL_NOTE),
                "HopperEnv");
        mujocoTask(new Info("walker2d", "Walker2d-v3 (D4RL walker2d-*-v2)", 17, 6, 1000, 1.629008, 4592.3, false, D4RL_NOTE),
                "Walker2dEnv");
        mujocoTask(new Info("halfcheetah", "HalfCheetah-v3 (D4RL halfcheetah-*-v2)", 17, 6, 1000, -280.178953, 12135.0, false,
                D4RL_NOTE), "HalfCheetahEnv");
        mujocoTask(new Info("ant", "Ant-v3 (D4RL ant-*-v2)", 111, 8, 1000, -325.6, 3879.7, false, D4RL_NOTE), "AntEnv");
    }

    private static void javaTask(Info info, Supplier<Env> factory) {
        INFOS.put(info.name(), info);
        JAVA_FACTORIES.put(info.name(), factory);
    }

    private static void mujocoTask(Info info, String simpleClassName) {
        INFOS.put(info.name(), info);
        MUJOCO_CLASSES.put(info.name(), MUJOCO_PACKAGE + "." + simpleClassName);
    }

    /** Every task, pure-Java first, in a fixed order. */
    public static List<Info> all() { return List.copyOf(INFOS.values()); }

    /** The known task names, in {@link #all()} order. */
    public static List<String> names() { return List.copyOf(INFOS.keySet()); }

    /** The registry entry for {@code name}; an unknown name is an error listing the known ones. */
    public static Info info(String name) {
        Info info = INFOS.get(name);
        if (info == null) {
            throw new IllegalArgumentException("unknown task '" + name + "'; known tasks: " + String.join(", ", INFOS.keySet()));
        }
        return info;
    }

    /** A new instance of the task; MuJoCo tasks that cannot run here fail with the reason and what to install. */
    public static Env make(String name) {
        info(name);
        Supplier<Env> javaFactory = JAVA_FACTORIES.get(name);
        if (javaFactory != null) return javaFactory.get();
        String reason = unavailableReason(name);
        if (reason != null) throw new IllegalStateException("task '" + name + "' is not available on this machine: " + reason);
        String cls = MUJOCO_CLASSES.get(name);
        try {
            return (Env) Class.forName(cls).getDeclaredConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("task '" + name + "': " + cls + " failed to start: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("task '" + name + "': cannot construct " + cls
                    + " (it must implement forler.env.Env and have a public no-argument constructor): " + e, e);
        }
    }

    /** {@code 100·(R − R_random)/(R_expert − R_random)} with the task's reference returns. */
    public static double normalizedScore(String task, double ret) { return info(task).normalizedScore(ret); }

    /** Null when {@code name} can run here, else why not (MuJoCo classes missing, native library not loadable). */
    public static String unavailableReason(String name) {
        info(name);
        if (JAVA_FACTORIES.containsKey(name)) return null;
        String probe = MUJOCO_PACKAGE + ".MuJoCo";
        try {
            Class<?> mujoco = Class.forName(probe);
            if ((Boolean) mujoco.getMethod("available").invoke(null)) {
                Class.forName(MUJOCO_CLASSES.get(name));
                return null;
            }
            Object why = mujoco.getMethod("unavailableReason").invoke(null);
            return why == null ? "MuJoCo.available() is false and gives no reason" : why.toString();
        } catch (ClassNotFoundException e) {
            return "this build has no MuJoCo tasks (class " + e.getMessage() + " not found)";
        } catch (InvocationTargetException e) {
            return "the MuJoCo library check failed: " + e.getCause();
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            return "the MuJoCo library check failed: " + e;
        }
    }
}
