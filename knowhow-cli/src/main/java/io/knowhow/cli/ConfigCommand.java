package io.knowhow.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.Map;

/** {@code knowhow config}: reads and edits the knowledge base's config.yaml. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Show or change settings in KB/config.yaml.",
                "  knowhow config                  list the settings in effect",
                "  knowhow config keys             list every key with its meaning",
                "  knowhow config set KEY VALUE    set a key",
                "  knowhow config unset KEY        remove a key"})
final class ConfigCommand extends KbCommand {
    @Parameters(arity = "0..3", paramLabel = "ARG")
    String[] args = new String[0];

    @Override
    int run(KnowhowRuntime runtime) {
        KbConfig cfg = runtime.config();
        String verb = args.length == 0 ? "list" : args[0];
        switch (verb) {
            case "list" -> {
                if (cfg.values().isEmpty()) out().println("(no settings in " + runtime.kbDir().resolve(KbConfig.FILE) + "; defaults apply)");
                for (Map.Entry<String, String> e : cfg.values().entrySet())
                    out().println(e.getKey() + ": " + (e.getKey().contains("api-key") ? "****" : e.getValue()));
            }
            case "keys" -> KbConfig.KNOWN.forEach((k, v) -> out().printf("%-28s %s%n", k, v));
            case "set" -> {
                if (args.length != 3) throw new IllegalArgumentException("usage: knowhow config set KEY VALUE");
                cfg.set(args[1], args[2]);
                out().println(args[1] + " set in " + runtime.kbDir().resolve(KbConfig.FILE));
            }
            case "unset" -> {
                if (args.length != 2) throw new IllegalArgumentException("usage: knowhow config unset KEY");
                cfg.set(args[1], null);
                out().println(args[1] + " removed");
            }
            default -> throw new IllegalArgumentException("unknown config action '" + verb + "': use list, keys, set or unset");
        }
        return 0;
    }
}
