package io.knowhow.cli;

import io.knowhow.app.Knowhow;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** Base of the subcommands that work on a knowledge base: opens it, closes it after. */
abstract class KbCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        try (Knowhow kb = Knowhow.builder(main.kbDir(System.getenv())).environment(main.environment())
                .notices(message -> err().println("knowhow: " + Terminal.line(message)))
                .build()) {
            for (String key : kb.config().unknownKeys())
                err().println("knowhow: warning: " + kb.config().file() + " sets an unknown key '" + key
                        + "' (ignored; remove it with `knowhow config unset " + key + "`)");
            return run(kb);
        }
    }

    abstract int run(Knowhow kb) throws Exception;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
