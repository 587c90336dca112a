/** The server's job queue: ingests and fine-tuning runs with progress, results and cancellation. */
package io.knowhow.server.jobs;
