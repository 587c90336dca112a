package io.knowhow.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.app.json.JsonViews;
import io.knowhow.server.auth.ApiKeys;
import io.knowhow.server.auth.Scope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code knowhow keys}: API keys for {@code knowhow serve}, stored as salted hashes in KB/keys.json. */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = {"Manage the API keys of `knowhow serve` (KB/keys.json holds only salted hashes, readable by its owner).",
                "A key's scope says what it may do (read < ingest < admin); its groups are the access groups whose documents",
                "it may read (documents ingested with --group). A running server sees changes at its next request."},
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand {
    @ParentCommand
    Main main;

    ApiKeys keys() {
        return new ApiKeys(main.kbDir(System.getenv()));
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key and print it once: it is stored nowhere.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        KeysCommand parent;
        @Spec
        CommandSpec spec;

        @Option(names = "--scope", required = true, paramLabel = "SCOPE", description = "read (ask, search, list), ingest (and upload, delete) or admin (and server paths, tune, reports)")
        String scope;

        @Option(names = "--groups", split = ",", paramLabel = "G", description = "access groups whose documents the key may read (comma-separated); none: public documents only")
        List<String> groups = List.of();

        @Option(names = "--name", paramLabel = "NAME", description = "a name for the key, shown in logs and `keys list` (default key-N)")
        String name;

        @Option(names = "--json", description = "print as JSON")
        boolean json;

        @Override
        public Integer call() {
            Scope s;
            try {
                s = Scope.parse(scope);
            } catch (IllegalArgumentException e) {
                throw new UsageError("--scope: " + e.getMessage());
            }
            Set<String> g = new LinkedHashSet<>();
            for (String x : groups) if (!x.isBlank()) g.add(x.strip());
            ApiKeys.Created c = parent.keys().create(name, s, g);
            var out = spec.commandLine().getOut();
            if (json) {
                ObjectNode n = info(c.info());
                n.put("key", c.key());
                out.println(JsonViews.pretty(n));
            } else {
                out.println(c.key());
                spec.commandLine().getErr().println("knowhow: created key '" + c.info().name() + "' (scope " + s.label() + (g.isEmpty() ? ", public documents only" : ", groups " + String.join(",", c.info().groups()))
                        + "). It is shown only this once: keep it in a secret store. Send it as 'Authorization: Bearer KEY'.");
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys: name, scope, groups, created, last used (never the key).")
    static final class ListKeys implements Callable<Integer> {
        @ParentCommand
        KeysCommand parent;
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "print as JSON")
        boolean json;

        @Override
        public Integer call() {
            List<ApiKeys.KeyInfo> all = parent.keys().list();
            var out = spec.commandLine().getOut();
            if (json) {
                ObjectNode root = JsonViews.object();
                ArrayNode arr = root.putArray("keys");
                all.forEach(k -> arr.add(info(k)));
                out.println(JsonViews.pretty(root));
                return 0;
            }
            if (all.isEmpty()) out.println("No API keys: `knowhow keys create --scope read` makes one.");
            for (ApiKeys.KeyInfo k : all)
                out.printf("%-20s %-7s %-24s created %s  last used %s%n", Terminal.line(k.name()), k.scope().label(),
                        k.groups().isEmpty() ? "(public only)" : Terminal.line(String.join(",", k.groups())), day(k.created()),
                        k.lastUsed().map(KeysCommand::day).orElse("never"));
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key by name; a running server refuses it at once.")
    static final class Revoke implements Callable<Integer> {
        @ParentCommand
        KeysCommand parent;
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            if (!parent.keys().revoke(name)) {
                spec.commandLine().getErr().println("knowhow: no key named '" + Terminal.line(name) + "' (see `knowhow keys list`)");
                return 1;
            }
            spec.commandLine().getOut().println("revoked " + Terminal.line(name));
            return 0;
        }
    }

    static ObjectNode info(ApiKeys.KeyInfo k) {
        ObjectNode n = JsonViews.object();
        n.put("name", k.name());
        n.put("scope", k.scope().label());
        n.putPOJO("groups", k.groups());
        n.put("created", k.created().toString());
        n.put("last_used", k.lastUsed().map(Instant::toString).orElse(null));
        return n;
    }

    static String day(Instant i) {
        return i.toString().substring(0, 19).replace('T', ' ');
    }
}
