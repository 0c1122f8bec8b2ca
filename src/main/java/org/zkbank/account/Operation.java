package org.zkbank.account;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One intended operation: deposit or withdraw an exact, positive amount the bank can
 * store (at most 30 digits before and after the point). The same operation is retried
 * after a conflict until it commits, is rejected or fails; it is never re-drawn.
 */
public record Operation(OperationType type, BigDecimal amount) {

	public Operation {
		Objects.requireNonNull(type, "type");
		if (amount == null || amount.signum() <= 0) {
			throw new IllegalArgumentException("amount must be positive, was " + amount);
		}
		if (!Money.isStorable(amount)) {
			// toString, not toPlainString: the plain form of such an amount can be huge
			throw new IllegalArgumentException(
					"amount must have at most 30 digits before and after the point, was " + amount);
		}
	}

	public static Operation deposit(BigDecimal amount) {
		return new Operation(OperationType.DEPOSIT, amount);
	}

	public static Operation withdraw(BigDecimal amount) {
		return new Operation(OperationType.WITHDRAW, amount);
	}

	/**
	 * Whether this operation can apply to the given balance without taking it below zero.
	 */
	boolean fits(BigDecimal balance) {
		return this.type == OperationType.DEPOSIT || this.amount.compareTo(balance) <= 0;
	}

	@Override
	public String toString() {
		return this.type.tag() + " " + Money.format(this.amount);
	}

}
