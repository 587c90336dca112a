package io.knowhow.cli;

import io.knowhow.app.Knowhow;
import io.knowhow.app.config.ConfigKey;
import io.knowhow.app.config.ConfigKeys;
import io.knowhow.app.json.JsonViews;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/** {@code knowhow config}: reads and edits the knowledge base's config.yaml. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Show or change settings in KB/config.yaml.",
                "  knowhow config                  the settings in effect (file and KNOWHOW_* environment)",
                "  knowhow config keys             every key with its type, default and meaning",
                "  knowhow config set KEY VALUE    set a key (checked against its type); VALUE - reads standard input",
                "  knowhow config unset KEY        remove a key",
                "Secrets (llm.api-key) are never printed; prefer KNOWHOW_LLM_API_KEY or llm.api-key-file."})
final class ConfigCommand extends KbCommand {
    @Parameters(arity = "0..3", paramLabel = "ARG")
    String[] args = new String[0];

    @Option(names = "--markdown", description = "with `keys`: print docs/configuration.md")
    boolean markdown;

    @Option(names = "--json", description = "print as JSON")
    boolean json;

    @Override
    int run(Knowhow kb) throws IOException {
        String verb = args.length == 0 ? "list" : args[0];
        switch (verb) {
            case "list" -> list(kb);
            case "keys" -> {
                if (markdown) out().println(ConfigKeys.markdown().stripTrailing());
                else if (json) {
                    ObjectNode root = JsonViews.object();
                    for (ConfigKey k : ConfigKeys.all()) {
                        ObjectNode n = root.putObject(k.name());
                        n.put("type", k.type().describe());
                        n.put("default", k.defaultValue());
                        n.put("environment", k.environmentVariable());
                        n.put("description", k.description());
                    }
                    out().println(JsonViews.pretty(root));
                } else {
                    for (ConfigKey k : ConfigKeys.all())
                        out().printf("%-30s %s%n%-30s   (%s%s)%n", k.name(), k.description(), "", k.type().describe(),
                                k.defaultValue() == null ? "" : "; default " + k.defaultValue());
                }
            }
            case "set" -> {
                if (args.length != 3) throw new UsageError("usage: knowhow config set KEY VALUE (VALUE - reads it from standard input)");
                String value = args[2].equals("-") ? readStandardInput() : args[2];
                Optional<ConfigKey> key = ConfigKeys.find(args[1]);
                kb.setConfig(args[1], value);
                out().println(args[1] + " set in " + kb.config().file());
                if (key.isPresent() && key.get().secret() && !args[2].equals("-"))
                    err().println("knowhow: note: the key is now in your shell history too; `knowhow config set " + args[1]
                            + " -` reads it from standard input, or use " + key.get().environmentVariable() + " or llm.api-key-file");
            }
            case "unset" -> {
                if (args.length != 2) throw new UsageError("usage: knowhow config unset KEY");
                if (kb.unsetConfig(args[1])) out().println(args[1] + " removed");
                else {
                    err().println("knowhow: " + args[1] + " is not set in " + kb.config().file() + "; nothing to remove");
                    return 1;
                }
            }
            default -> throw new UsageError("unknown config action '" + verb + "': use list, keys, set or unset");
        }
        return 0;
    }

    private void list(Knowhow kb) {
        kb.config().permissionWarning().ifPresent(w -> err().println("knowhow: warning: " + w));
        Map<String, String> effective = kb.config().effectiveValues();
        if (json) {
            ObjectNode root = JsonViews.object();
            for (Map.Entry<String, String> e : effective.entrySet()) root.put(e.getKey(), shown(e.getKey(), e.getValue()));
            out().println(JsonViews.pretty(root));
            return;
        }
        if (effective.isEmpty()) out().println("(no settings in " + kb.config().file() + "; defaults apply: `knowhow config keys` lists them)");
        for (Map.Entry<String, String> e : effective.entrySet()) {
            String origin = ConfigKeys.find(e.getKey()).map(k -> kb.config().origin(k)).filter(o -> o.startsWith("KNOWHOW_")).map(o -> "   (from " + o + ")").orElse("");
            out().println(e.getKey() + ": " + Terminal.line(shown(e.getKey(), e.getValue())) + origin);
        }
    }

    private static String shown(String key, String value) {
        return ConfigKeys.find(key).map(ConfigKey::secret).orElse(key.contains("key")) ? "****" : value;
    }

    private static String readStandardInput() throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = in.readLine();
        if (line == null || line.isBlank()) throw new UsageError("no value on standard input");
        return line.strip();
    }
}
