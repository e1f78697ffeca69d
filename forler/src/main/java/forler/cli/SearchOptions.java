package forler.cli;

import forler.rl.ActorRectification;
import picocli.CommandLine.Option;

/**
 * The rectification's flags (Algorithm 1, Eq. 5): δ and the search's settings, shared by {@code forler run|experiment}
 * and {@code forler server} (which sends them to the devices).
 */
public final class SearchOptions {
    @Option(names = "--delta", defaultValue = "1", description = "Rectification period δ. Default: ${DEFAULT-VALUE}.")
    int delta;
    @Option(names = "--samples", defaultValue = "20", description = "Search samples N per iteration. Default: ${DEFAULT-VALUE}.")
    int samples;
    @Option(names = "--iterations", defaultValue = "3", description = "Search iterations I. Default: ${DEFAULT-VALUE}.")
    int iterations;
    @Option(names = "--search-temp", defaultValue = "fixed",
            description = "Temperature of the search's softmax (Eq. 5): fixed (β = 1) or spread (β over the std of the candidates' Q). Default: ${DEFAULT-VALUE}.")
    String searchTemp;
    @Option(names = "--search-init", defaultValue = "zero",
            description = "Where the search starts, x₀: zero (OMAR's, the box's centre) or policy (π(s)). Default: ${DEFAULT-VALUE}.")
    String searchInit;
    @Option(names = "--search-init-std", defaultValue = "2.0",
            description = "The search's first std y₀ (OMAR's 2.0 clips 62%% of the first candidates' coordinates to the box's edge). Default: ${DEFAULT-VALUE}.")
    float searchInitStd;

    /** The search's settings, every flag checked (one line naming the flag). */
    ActorRectification.Config config() {
        Checks.atLeast("--delta", delta, 1);
        Checks.atLeast("--samples", samples, 1);
        Checks.atLeast("--iterations", iterations, 1);
        return ActorRectification.Config.defaults().withPeriod(delta).withSearch(samples, iterations)
                .withTemperature(ActorRectification.Temperature.parse(searchTemp))
                .withInit(ActorRectification.Config.parseInit(searchInit), searchInitStd);
    }
}
