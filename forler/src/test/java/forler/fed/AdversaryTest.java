package forler.fed;

import static org.junit.jupiter.api.Assertions.*;

import forler.data.DatasetBuilder;
import forler.data.PolicyProvider;
import forler.engine.Rng;
import forler.engine.Tensor;
import forler.io.RunLog;
import forler.rl.QEnsemble;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --adversary and --reject-outliers (docs/design.md §Adversarial devices). */
class AdversaryTest {
    /** A 2-head critic on S = 3, A = 1 with one hidden layer of 4, and Q at two fixed (s, a). */
    private static QEnsemble critic() { return new QEnsemble(2, 3, 1, 4, 1, new Rng(5)); }

    private static final Tensor S = Tensor.of(new float[] {0.3f, -1.2f, 0.7f, 2f, 0.1f, -0.4f}, 2, 3), A = Tensor.of(new float[] {0.5f, -0.9f}, 2, 1);

    @Test
    void flipNegatesAndInflateRaisesTheOutputLayerOnlyAndTheHonestCriticIsUntouched() {
        QEnsemble honest = critic();
        float[] before = honest.q(S, A).data.clone(); // [2 heads · 2 rows]
        List<Tensor> p = honest.paramList();          // 0.weight [2,4,4], 0.bias, 1.weight [2,4,1], 1.bias [2,1,1]
        QEnsemble flip = Adversary.FLIP.poison(honest), inflate = Adversary.INFLATE.poison(honest);
        assertNotSame(honest, flip);
        assertSame(honest, Adversary.NONE.poison(honest));
        List<Tensor> f = flip.paramList(), in = inflate.paramList();
        assertArrayEquals(p.get(0).data, f.get(0).data);
        assertArrayEquals(p.get(1).data, f.get(1).data);
        assertArrayEquals(p.get(0).data, in.get(0).data);
        assertArrayEquals(p.get(1).data, in.get(1).data);
        assertArrayEquals(p.get(2).data, in.get(2).data);
        for (int i = 0; i < p.get(2).data.length; i++) assertEquals(-p.get(2).data[i], f.get(2).data[i]);
        for (int i = 0; i < p.get(3).data.length; i++) {
            assertEquals(-p.get(3).data[i], f.get(3).data[i]);
            assertEquals(p.get(3).data[i] + 100f, in.get(3).data[i]);
        }
        float[] flipped = flip.q(S, A).data, raised = inflate.q(S, A).data;
        for (int i = 0; i < before.length; i++) {
            assertEquals(-before[i], flipped[i], "flip: Q → −Q exactly");
            assertEquals(before[i] + Adversary.INFLATE_BY, raised[i], 1e-4, "inflate: Q → Q + C");
        }
        assertArrayEquals(before, honest.q(S, A).data, "the honest critic is not changed by poisoning a copy");
        assertTrue(Adversary.FLIP.poisons(3, 4) && !Adversary.FLIP.poisons(2, 4) && !Adversary.NONE.poisons(3, 4), "the last device only");
        assertEquals(Adversary.INFLATE, Adversary.parse("inflate"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Adversary.parse("negate"));
        assertTrue(e.getMessage().contains("--adversary"), e.getMessage());
    }

    @Test
    void theCheckLeavesOutOnlyWhatLiesFarFromTheMedian() {
        assertArrayEquals(new boolean[] {false, false, false, true}, Uploads.outliers(new double[] {-10, -11, -9, 10}));
        assertArrayEquals(new boolean[] {false, false, false, true}, Uploads.outliers(new double[] {-10, -11, -9, 90}), "inflated by 100");
        assertArrayEquals(new boolean[] {false, false, false, false}, Uploads.outliers(new double[] {-10, -11, -9, -12}), "3 MADs: all kept");
        assertArrayEquals(new boolean[] {false, false}, Uploads.outliers(new double[] {-10, 10}), "fewer than 3 uploads: all kept");
        assertArrayEquals(new boolean[] {false, false, false, false}, Uploads.outliers(new double[] {5, 5, 5, 5}));
        // honest pendulum uploads of one round (round 1 of a FORLER run): 3 MADs alone (0.3) would leave out −1.0;
        // the relative band (0.5 · 1.8 = 0.9) keeps it, and still leaves out the same round's flipped upload
        assertArrayEquals(new boolean[] {false, false, false, false}, Uploads.outliers(new double[] {-1.8, -2.0, -1.0, -1.8}));
        assertArrayEquals(new boolean[] {false, false, false, true}, Uploads.outliers(new double[] {-1.8, -2.0, -1.0, 1.8}));
        assertArrayEquals(new boolean[] {false, false, false, true}, Uploads.outliers(new double[] {-16.5, -16.5, -16.0, 16.4}));
    }

    @Test
    void withTheCheckTheFlippedOrInflatedDeviceIsLeftOutAndTheHonestOnesKept(@TempDir Path dir) throws Exception {
        for (String run : List.of("forler-flip", "fedcql-flip", "fedora-flip", "forler-inflate", "fedora-inflate")) {
            String algo = run.split("-")[0];
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            Path out = dir.resolve(run);
            FedSimulation.Options o = FedSimulationTest.tiny(algo, 2, out, false, 1).withDevices(4)
                    .withAdversary(Adversary.parse(run.split("-")[1])).withRejectOutliers(true).withQuiet(false);
            DatasetBuilder b = new DatasetBuilder(DatasetBuilder.registryEnvs(), PolicyProvider.none(), null, false);
            new FedSimulation(o, b::build, new PrintStream(log, true, StandardCharsets.UTF_8)).run();
            List<Map<String, Double>> rows = RunLog.readCsv(out.resolve("rounds.csv"));
            assertEquals(2, rows.size());
            for (Map<String, Double> row : rows) {
                assertEquals(1.0, row.get("rejected"), run + ": one upload left out: " + row);
                double honest = row.get("upload_q_0");
                for (int k = 1; k < 3; k++) assertTrue(Math.abs(row.get("upload_q_" + k) - honest) < Math.abs(row.get("upload_q_3") - honest), algo + " " + row);
            }
            String text = log.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("round 1: device 3's critic left out") && text.contains("round 2: device 3's critic left out"), algo + ": " + text);
            for (int k = 0; k < 3; k++) assertFalse(text.contains("device " + k + "'s critic left out"), algo + ": " + text);
        }
    }

    @Test
    void aForlerRunThatLeftADeviceOutResumesBitExactly(@TempDir Path dir) throws Exception {
        FedSimulation.Options o = FedSimulationTest.tiny("forler", 3, dir.resolve("straight"), false, 1).withDevices(4)
                .withAdversary(Adversary.FLIP).withRejectOutliers(true);
        Map<String, Double> straight = FedSimulationTest.run(o).last();
        FedSimulationTest.run(o.withOut(dir.resolve("resumed")).withRounds(1));
        Map<String, Double> resumed = FedSimulationTest.run(o.withOut(dir.resolve("resumed")).withResume(true)).last();
        assertEquals(1.0, straight.get("rejected"));
        for (String k : List.of("global_score", "local_score_mean", "server_critic_loss", "upload_q_3")) assertEquals(straight.get(k), resumed.get(k), k);
        assertArrayEquals(Files.readAllBytes(dir.resolve("straight/checkpoint.safetensors")), Files.readAllBytes(dir.resolve("resumed/checkpoint.safetensors")));
    }

    @Test
    void theDefaultIsNoAdversaryNoCheckAndTheSameRun(@TempDir Path dir) throws Exception {
        for (String algo : List.of("forler", "fedcql", "fedora")) {
            FedSimulation.Options o = FedSimulationTest.tiny(algo, 2, dir.resolve(algo + "-default"), false, 1).withDevices(4);
            assertEquals(Adversary.NONE, o.adversary());
            assertFalse(o.rejectOutliers());
            FedSimulationTest.run(o);
            FedSimulationTest.run(o.withOut(dir.resolve(algo + "-none")).withAdversary(Adversary.NONE).withRejectOutliers(false));
            FedSimulationTest.run(o.withOut(dir.resolve(algo + "-flip")).withAdversary(Adversary.FLIP));
            List<Map<String, Double>> byDefault = RunLog.readCsv(dir.resolve(algo + "-default/rounds.csv")),
                    none = RunLog.readCsv(dir.resolve(algo + "-none/rounds.csv")), flip = RunLog.readCsv(dir.resolve(algo + "-flip/rounds.csv"));
            assertFalse(byDefault.get(0).containsKey("rejected"), "no check, no column");
            for (int r = 0; r < 2; r++)
                for (String k : List.of("global_score", "local_score_0", "local_score_3", "local_score_mean"))
                    assertEquals(byDefault.get(r).get(k), none.get(r).get(k), algo + " round " + r + " " + k);
            // the adversary changes the run (the global policy, from round 2 on every device, learns from its upload)
            assertNotEquals(byDefault.get(1).get("local_score_0"), flip.get(1).get("local_score_0"), algo);
        }
    }
}
