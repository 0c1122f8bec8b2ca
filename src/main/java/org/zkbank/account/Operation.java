package org.zkbank.account;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One intended operation: deposit or withdraw an exact, positive amount. The same
 * operation is retried after a conflict until it commits, is rejected or fails; it is
 * never re-drawn.
 */
public record Operation(OperationType type, BigDecimal amount) {

	public Operation {
		Objects.requireNonNull(type, "type");
		if (amount == null || amount.signum() <= 0) {
			throw new IllegalArgumentException("amount must be positive, was " + amount);
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
