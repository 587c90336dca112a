/**
 * The Java API of knowhow: {@link io.knowhow.app.Knowhow} opens a knowledge base and wires its parts from
 * configuration; the command line, the server and the evaluation commands are thin faces over it.
 */
package io.knowhow.app;
