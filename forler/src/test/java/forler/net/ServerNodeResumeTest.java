package forler.net;

import static org.junit.jupiter.api.Assertions.*;

import forler.io.StateDict;
import forler.net.proto.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerNodeResumeTest {
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
