package forler.cli;

import forler.engine.SafeTensors;
import forler.io.TorchExport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code forler export --torch IN OUT}: the networks of a policy or checkpoint as the state_dict of PyTorch modules
 * ({@code nn.Linear} weights [out, in], {@code nn.Sequential} key names; see {@link TorchExport} and docs/pytorch.md).
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write the networks of a policy or checkpoint in PyTorch's layout (nn.Sequential state_dict; docs/pytorch.md).")
public final class ExportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--torch", required = true, description = "PyTorch's layout: nn.Linear weights [out, in], nn.Sequential key names (the only format).")
    boolean torch;

    @Parameters(index = "0", paramLabel = "IN", description = "A safetensors file written by forler: a policy (sac, behaviour --ship, shipped) or a checkpoint (train, run, sac).")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "The safetensors file to write (replaced if it exists).")
    Path out;

    @Override
    public Integer call() throws IOException {
        Checks.file("IN", in);
        if (Files.exists(out) && Files.isSameFile(in, out)) throw new IllegalArgumentException("OUT " + out + " is IN: give another file name");
        SafeTensors.Loaded l = SafeTensors.read(in);
        TorchExport.Result r = TorchExport.convert(l.tensors(), l.metadata(), in.toString());
        SafeTensors.write(out, r.tensors(), r.meta());
        PrintWriter w = spec.commandLine().getOut();
        w.println("wrote " + out + " (PyTorch layout, " + r.tensors().size() + " tensors):");
        for (TorchExport.Network n : r.networks()) w.println("  " + n);
        if (!r.leftOut().isEmpty()) {
            w.println("  left out " + r.leftOut().size() + " tensors that are no network's weights (optimiser moments, alpha, caches, buffers), e.g. "
                    + String.join(", ", r.leftOut().subList(0, Math.min(3, r.leftOut().size()))));
        }
        w.flush();
        return 0;
    }
}
