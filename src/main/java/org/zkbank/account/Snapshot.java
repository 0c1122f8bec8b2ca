package org.zkbank.account;

import java.math.BigDecimal;

/**
 * What one customer knows of the deposit, and must hold to attempt a commit: the balance
 * with its node version and last writing transaction, its own audit entry with that
 * node's version, and the audit root. A snapshot is either read or returned by the
 * customer's last commit.
 *
 * @param balance the balance
 * @param version the balance node's data version, a 32-bit counter that wraps
 * @param mzxid the transaction that last wrote the balance node: unlike the version, it
 * only ever grows, so it orders two views of the balance
 * @param totals the customer's audit entry
 * @param totalsVersion the entry node's version, {@link #NO_NODE} before the customer's
 * first commit
 * @param root the audit root
 */
public record Snapshot(BigDecimal balance, int version, long mzxid, CustomerTotals totals, long totalsVersion,
		AuditRoot root) {

	/**
	 * The totals version of a customer whose audit node does not exist: outside the range
	 * of real versions.
	 */
	static final long NO_NODE = Long.MIN_VALUE;

	/**
	 * The version at which ZooKeeper takes a versioned write for an unconditional one.
	 * The bank never writes at it: a node at -2 is recreated instead of written
	 * ({@link #rollsOver}), and a node found at -1 (which only someone else can leave) is
	 * reported and left alone.
	 */
	static final int UNCONDITIONAL = -1;

	/**
	 * The audit root's data and node figures.
	 *
	 * @param opening its data
	 * @param version its data version, at which a rollover rewrites it
	 * @param cversion how often an entry was created or deleted under it
	 * @param entries how many entries it has
	 * @param czxid the transaction that created it: another one is another audit
	 */
	public record AuditRoot(AuditOpening opening, int version, int cversion, int entries, long czxid) {

		/** How many entries were deleted since the given view of the root. */
		int deletedSince(AuditRoot before) {
			// each create adds one to both figures; each delete adds one to cversion and
			// takes one from entries
			return ((this.cversion - before.cversion) - (this.entries - before.entries)) / 2;
		}

	}

	/**
	 * Whether a node at this version must be recreated rather than written: a write would
	 * leave it at -1.
	 */
	static boolean rollsOver(long version) {
		return version == UNCONDITIONAL - 1;
	}

}
