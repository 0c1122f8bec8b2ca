package org.zkbank.account;

import java.util.List;

/**
 * How one commit ended: each operation's outcome, in order, and one record of what the
 * commit took. Conflicts are counted here, never thrown.
 *
 * @param id the commit, the same on every attempt
 * @param operations how each operation ended, in the order they were given
 * @param version the balance node's version after the commit (of the balance read, when
 * it wrote nothing), {@code -1} if none is known
 * @param snapshot what the customer may commit with next, {@code null} when it must read
 * again
 * @param stats attempts, conflicts, a lost reply and the time it took
 */
public record CommitResult(CommitId id, List<OperationResult> operations, int version, Snapshot snapshot,
		CommitStats stats) {

	public CommitResult {
		operations = List.copyOf(operations);
	}

	/** The result of a commit's only operation. */
	public OperationResult single() {
		if (this.operations.size() != 1) {
			throw new IllegalStateException("a commit of " + this.operations.size() + " operations");
		}
		return this.operations.get(0);
	}

	/** Whether any operation was applied. */
	public boolean anyCommitted() {
		return this.operations.stream().anyMatch(OperationResult::committed);
	}

	/**
	 * Which commit of which customer instance: what its audit entry records, and what a
	 * check of ZooKeeper's transaction log finds the commit by.
	 */
	public record CommitId(String instance, long sequence) {
	}

}
