package org.zkbank.account;

import java.math.BigDecimal;

/** What a customer does to the deposit. */
public enum OperationType {

	DEPOSIT("deposit"),

	WITHDRAW("withdraw");

	private final String tag;

	OperationType(String tag) {
		this.tag = tag;
	}

	/** The lower-case name used in logs and metric tags. */
	public String tag() {
		return this.tag;
	}

	/** The balance after this operation of the given amount. */
	public BigDecimal apply(BigDecimal balance, BigDecimal amount) {
		return (this == DEPOSIT) ? balance.add(amount) : balance.subtract(amount);
	}

}
