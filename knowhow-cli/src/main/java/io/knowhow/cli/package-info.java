/**
 * The {@code knowhow} command line: picocli commands that parse flags, call {@link io.knowhow.app.Knowhow} and print —
 * text for people (control characters escaped), {@code --json} for scripts. No engine is wired here.
 */
package io.knowhow.cli;
