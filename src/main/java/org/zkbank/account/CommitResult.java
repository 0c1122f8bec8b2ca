package org.zkbank.account;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * How one operation ended, with the figures of its way there. Conflicts are counted here, never
 * thrown.
 *
 * @param operation what was intended
 * @param commit the commit that carried the operation: the same on every attempt
 * @param outcome committed, rejected, failed (certainly not applied) or unknown
 * @param balanceBefore the balance the last attempt started from, {@code null} if none was read
 * @param balanceAfter the balance after the operation ({@code balanceBefore} unless committed)
 * @param version the balance node version after the operation, {@code -1} if unknown
 * @param attempts versioned writes sent
 * @param conflicts writes refused because another commit came first
 * @param ambiguous whether a write's result was lost (connection loss) and had to be resolved
 * @param duration from the start of the commit to its outcome
 * @param snapshot what the customer may commit with next, {@code null} when it must read again
 * @param reason why it was rejected or failed, {@code null} when committed
 */
public record CommitResult(Operation operation, CommitId commit, Outcome outcome, BigDecimal balanceBefore, BigDecimal balanceAfter,
		int version, int attempts, int conflicts, boolean ambiguous, Duration duration, Snapshot snapshot,
		String reason) {

	/** How an operation ended. */
	public enum Outcome {

		/** Applied once. */
		COMMITTED("committed"),

		/** Not applied: it would take the balance below zero or beyond what the deposit stores. */
		REJECTED("rejected"),

		/** Certainly not applied. */
		FAILED("failed"),

		/**
		 * Applied once or not at all: its reply was lost and this instance could not settle which
		 * (stopped, timed out or forgotten). Never sent again; the audit explains the balance
		 * either way.
		 */
		UNKNOWN("unknown");

		private final String tag;

		Outcome(String tag) {
			this.tag = tag;
		}

		/** The lower-case name used in logs and metric tags. */
		public String tag() {
			return this.tag;
		}

	}

	/**
	 * Which commit of which customer instance: what its audit entry records, and what a check of
	 * ZooKeeper's transaction log finds the commit by.
	 */
	public record CommitId(String instance, long sequence) {
	}

	public boolean committed() {
		return this.outcome == Outcome.COMMITTED;
	}

}
