package org.zkbank.account;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * How one operation ended, with the figures of its way there. Conflicts are counted here, never
 * thrown.
 *
 * @param operation what was intended
 * @param outcome committed, rejected (insufficient funds) or failed (not applied)
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
public record CommitResult(Operation operation, Outcome outcome, BigDecimal balanceBefore, BigDecimal balanceAfter,
		int version, int attempts, int conflicts, boolean ambiguous, Duration duration, Snapshot snapshot,
		String reason) {

	/** How an operation ended. */
	public enum Outcome {

		COMMITTED("committed"), REJECTED("rejected"), FAILED("failed");

		private final String tag;

		Outcome(String tag) {
			this.tag = tag;
		}

		/** The lower-case name used in logs and metric tags. */
		public String tag() {
			return this.tag;
		}

	}

	public boolean committed() {
		return this.outcome == Outcome.COMMITTED;
	}

}
