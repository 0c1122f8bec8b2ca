package org.zkbank.bench;

/** One measured run of one row: committed operations per second, and what they cost. */
record Run(double opsPerSecond, long committed, double conflictsPerCommit, long giveUps, long p50Nanos, long p99Nanos,
		long maxNanos, double worstShare, boolean conserved) {
}
