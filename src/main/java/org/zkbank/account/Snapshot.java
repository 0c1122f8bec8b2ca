package org.zkbank.account;

import java.math.BigDecimal;

/**
 * What one customer knows of the deposit, and must hold to attempt a commit: the balance with its
 * node version and last writing transaction, its own audit entry with that node's version, and
 * the audit root. A snapshot is either read or returned by the customer's last commit.
 *
 * @param balance the balance
 * @param version the balance node's data version, a 32-bit counter that wraps
 * @param mzxid the transaction that last wrote the balance node: unlike the version, it only
 * ever grows, so it orders two views of the balance
 * @param totals the customer's audit entry
 * @param totalsVersion the entry node's version, {@link #NO_NODE} before the customer's first
 * commit
 * @param root the audit root, for a commit that rolls the balance node over
 */
public record Snapshot(BigDecimal balance, int version, long mzxid, CustomerTotals totals, long totalsVersion,
		AuditRoot root) {

	/** The totals version of a customer whose audit node does not exist: outside the range of real versions. */
	static final long NO_NODE = Long.MIN_VALUE;

	/** The audit root's data and node version. */
	public record AuditRoot(AuditOpening opening, int version) {
	}

	/**
	 * Whether a node at this version must be recreated rather than written: a write from -2 would
	 * leave it at -1, where ZooKeeper takes a versioned write for an unconditional one.
	 */
	static boolean rollsOver(long version) {
		return version == -2 || version == -1;
	}

}
