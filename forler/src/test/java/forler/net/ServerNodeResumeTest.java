package forler.net;

import static org.junit.jupiter.api.Assertions.*;

import forler.fed.ObsNorm;
import forler.io.StateDict;
import forler.net.proto.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerNodeResumeTest {
    /** The server of {@code s} started with --resume on {@code dir}, logging nowhere. */
    private static ServerNode resumed(Settings s, Path dir) {
        ServerNode.Options o = NetFixture.options(s, Duration.ofSeconds(5), 1, dir);
        ServerNode.Options r = new ServerNode.Options(o.settings(), o.serverSteps(), o.omegaS(), o.omegaSPerHead(), o.broadcast(), o.deadline(),
                o.minDevices(), o.maxNorm(), o.evalEpisodes(), o.out(), true);
        return new ServerNode(NetFixture.serverData(s), r, new PrintStream(new ByteArrayOutputStream()));
    }

    @Test
    void aCheckpointFromBeforeTheNormalisationWasSentIsRefusedUnderServer(@TempDir Path dir) throws Exception {
        // its settings record no --obs-norm: such runs trained on raw states
        Settings s = NetFixture.settings(2, 2, 3, ObsNorm.SERVER);
        StateDict saved = new StateDict();
        saved.meta.put("setting--seed", Long.toString(s.getSeed()));
        saved.save(dir.resolve("checkpoint.safetensors"));
        IllegalStateException e = assertThrows(IllegalStateException.class, resumed(s, dir)::run);
        assertTrue(e.getMessage().contains("--obs-norm is server") && e.getMessage().contains("--obs-norm none"), e.getMessage());
    }

    @Test
    void aCheckpointFromBeforeTheSearchStartWasRecordedWasMadeFromZeroWithStdTwo(@TempDir Path dir) throws Exception {
        // every setting of a run with --search-init policy but the two search-start ones: such runs searched from 0 with y₀ = 2
        Settings s = NetFixture.settings(2, 2, 3, ObsNorm.SERVER).toBuilder().setSearchInit("policy").setSearchInitStd(0.5f).build();
        StateDict saved = new StateDict();
        NetFixture.options(s, Duration.ofSeconds(5), 1, dir).numbersSettings().forEach((flag, v) -> saved.meta.put("setting" + flag, v));
        assertEquals("policy", saved.meta.remove("setting--search-init"));
        assertEquals("0.5", saved.meta.remove("setting--search-init-std"));
        saved.save(dir.resolve("checkpoint.safetensors"));
        IllegalStateException e = assertThrows(IllegalStateException.class, resumed(s, dir)::run);
        assertTrue(e.getMessage().contains("--search-init is policy") && e.getMessage().contains("--search-init zero"), e.getMessage());
    }

    @Test
    void aResumeWithAnotherServerDatasetIsRefused(@TempDir Path dir) throws Exception {
        // a checkpoint with every setting of this run but D_o's statistics from other data
        Settings s = NetFixture.settings(2, 2, 3, ObsNorm.SERVER);
        StateDict saved = new StateDict();
        NetFixture.options(s, Duration.ofSeconds(5), 1, dir).numbersSettings().forEach((flag, v) -> saved.meta.put("setting" + flag, v));
        saved.meta.put("obs_stats", "mean [0.0, 0.0, 0.0] std [1.0, 1.0, 1.0]");
        saved.save(dir.resolve("checkpoint.safetensors"));
        IllegalStateException e = assertThrows(IllegalStateException.class, resumed(s, dir)::run);
        assertTrue(e.getMessage().contains("state statistics") && e.getMessage().contains("--server-file or --server-data"), e.getMessage());
    }

    @Test
    void aResumeWithAnotherSeedIsRefusedNamingTheFlag(@TempDir Path dir) throws Exception {
        // a checkpoint recording --seed 5; the server resumes with its fixture's seed: refused before anything is loaded
        Settings s = NetFixture.settings(2, 2, 3);
        StateDict saved = new StateDict();
        saved.meta.put("setting--seed", "5");
        saved.save(dir.resolve("checkpoint.safetensors"));
        ServerNode.Options o = NetFixture.options(s, Duration.ofSeconds(5), 1, dir);
        ServerNode.Options resumed = new ServerNode.Options(o.settings(), o.serverSteps(), o.omegaS(), o.omegaSPerHead(), o.broadcast(), o.deadline(), o.minDevices(),
                o.maxNorm(), o.evalEpisodes(), o.out(), true);
        ServerNode fed = new ServerNode(NetFixture.serverData(s), resumed, new PrintStream(new ByteArrayOutputStream()));
        IllegalStateException e = assertThrows(IllegalStateException.class, fed::run);
        assertTrue(e.getMessage().contains("--seed is " + s.getSeed()) && e.getMessage().contains("--seed 5"), e.getMessage());
    }
}
