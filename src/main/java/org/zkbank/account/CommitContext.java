package org.zkbank.account;

/**
 * What every commit of one customer instance works with.
 *
 * @param reader reads snapshots, and holds the nodes and the customer's name
 * @param retry the operation timeout and the backoff bounds
 * @param stop ends waits, and the commit, when the customer stops
 * @param roundTrips the instance's round-trip estimate, updated by each write
 * @param backoff the pause after a write that failed other than by a conflict
 * @param turns when to write after a lost race
 */
record CommitContext(DepositReader reader, RetryProperties retry, StopSignal stop, RoundTrips roundTrips,
		Backoff backoff, TurnTaking turns) {
}
