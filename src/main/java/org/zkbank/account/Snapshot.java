package org.zkbank.account;

import java.math.BigDecimal;

/**
 * What one customer knows of the deposit, and must hold to attempt a commit: the balance with its
 * node version, and its own audit entry with that node's version ({@link #NO_NODE} before the
 * customer's first commit). A snapshot is either read or returned by the customer's last commit.
 */
public record Snapshot(BigDecimal balance, int version, CustomerTotals totals, int totalsVersion) {

	/** The totals version of a customer whose audit node does not exist yet. */
	static final int NO_NODE = -1;

}
