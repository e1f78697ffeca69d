package forler.cli;

import forler.net.Certs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code forler certs}: a self-signed TLS certificate and per-device tokens for {@code forler server}/{@code device}. */
@Command(name = "certs", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write server.crt, server.key (PEM, made with the JDK's keytool) and tokens.txt (one random token per device) to --out.")
public final class CertsCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;
    @Option(names = "--devices", defaultValue = "8", description = "Number of device tokens. Default: ${DEFAULT-VALUE}.")
    int devices;
    @Option(names = "--host", split = ",", description = "Extra host names or IP addresses the certificate is valid for (localhost and 127.0.0.1 always are).")
    List<String> hosts = List.of();

    @Override
    public Integer call() throws Exception {
        Checks.atLeast("--devices", devices, 1);
        // new keys would lock out every device given the old certificate and tokens: never replace them silently
        for (String f : List.of("server.crt", "server.key", "tokens.txt")) {
            if (Files.exists(out.resolve(f))) {
                throw new IllegalStateException("--out " + out + " already holds " + f + ": new keys would lock out the devices given the old ones; "
                        + "choose another --out, or delete the old files first if that is what you want");
            }
        }
        Certs.Written w = Certs.generate(out, hosts, devices);
        System.out.printf("wrote %s (give it to the devices: --ca), %s (server only: --tls-key) and %s (--tokens; device k gets line k: --token)%n",
                w.cert(), w.key(), w.tokens());
        return 0;
    }

    public static void main(String[] args) { System.exit(new CommandLine(new CertsCommand()).execute(args)); }
}
