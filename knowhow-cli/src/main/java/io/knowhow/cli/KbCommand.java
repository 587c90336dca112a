package io.knowhow.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** Base of the subcommands that work on a knowledge base: opens the runtime, closes it after. */
abstract class KbCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        try (KnowhowRuntime runtime = new KnowhowRuntime(main.kbDir(System.getenv()))) {
            return run(runtime);
        }
    }

    abstract int run(KnowhowRuntime runtime) throws Exception;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
