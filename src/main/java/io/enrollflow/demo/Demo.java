package io.enrollflow.demo;

import java.io.PrintStream;
import java.nio.file.Path;

/** Placeholder until the demo lands. */
public class Demo {
    private final PrintStream out;

    public Demo(PrintStream out) {
        this.out = out;
    }

    public int run(Path routes) {
        out.println("demo: not yet");
        return 1;
    }
}
