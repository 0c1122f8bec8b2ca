package org.zkbank.bench;

/**
 * One run of commits with (maybe) an instance watching: the commits' figures, the
 * requests the instance's session sent, and what each open page received, over the run's
 * seconds.
 */
record LiveRun(Run run, long requests, double updatesPerPage, double bytesPerPage, double seconds) {
}
