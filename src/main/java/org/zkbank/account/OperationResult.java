package org.zkbank.account;

import java.math.BigDecimal;

/**
 * How one operation of a commit ended. What the commit as a whole took is in its
 * {@link CommitResult}.
 *
 * @param operation what was intended
 * @param outcome committed, rejected, failed (certainly not applied) or unknown
 * @param balanceBefore the balance the operation met in the last attempt, {@code null} if
 * none was read
 * @param balanceAfter the balance after the operation ({@code balanceBefore} unless
 * committed)
 * @param reason why it was rejected, failed or is unknown; {@code null} when committed
 */
public record OperationResult(Operation operation, Outcome outcome, BigDecimal balanceBefore, BigDecimal balanceAfter,
		String reason) {

	public boolean committed() {
		return this.outcome == Outcome.COMMITTED;
	}

}
