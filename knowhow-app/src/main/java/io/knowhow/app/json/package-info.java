/** The JSON shapes shared by the command line's {@code --json} output and the server's API. */
package io.knowhow.app.json;
