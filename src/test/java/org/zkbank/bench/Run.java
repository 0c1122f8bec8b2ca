package org.zkbank.bench;

/**
 * One measured run of one row: committed operations per second, and what they cost.
 * {@code requests}: what the servers received during the run; {@code writes}: the writes
 * that completed operations (fewer than the operations in a group commit).
 */
record Run(double opsPerSecond, long committed, double conflictsPerCommit, long giveUps, long p50Nanos, long p99Nanos,
		long maxNanos, double worstShare, boolean conserved, long requests, long writes) {

	/**
	 * Requests other than the writes that completed operations, per such write: reads,
	 * refused writes, the line of turns; 0 when nothing was written.
	 */
	double readsPerCommit() {
		return (this.writes == 0) ? 0 : (double) (this.requests - this.writes) / this.writes;
	}

}
