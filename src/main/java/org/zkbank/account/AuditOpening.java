package org.zkbank.account;

import java.math.BigDecimal;

import com.fasterxml.jackson.annotation.JsonFormat;

/**
 * The data of the audit root node: where the audit started, and which balance node it audits.
 *
 * @param openingBalance the balance when auditing started (when zkCli created the node, the
 * value it wrote)
 * @param openingVersion the balance node's version when auditing started
 * @param depositCzxid the creating transaction of the audited balance node, or 0 when that node
 * was created by the same transaction that last wrote this root (the audit's start, or a
 * rollover); a balance node created by anyone else is a replaced deposit
 * @param rollovers how often the balance node was recreated because its version was about to
 * wrap to -1, where a versioned write would no longer be conditional
 * @param writesBefore writes of the balance on the nodes it had before the last rollover, counted
 * from the audit's start
 */
public record AuditOpening(@JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal openingBalance,
		int openingVersion, long depositCzxid, long rollovers, long writesBefore) {

	/** The audit root of a balance node created along with it. */
	static AuditOpening of(BigDecimal openingBalance, int openingVersion, long depositCzxid) {
		return new AuditOpening(openingBalance, openingVersion, depositCzxid, 0, 0);
	}

	/** The creating transaction the balance node must have, given the root node's last writing transaction. */
	long depositCzxid(long rootMzxid) {
		return (this.depositCzxid != 0) ? this.depositCzxid : rootMzxid;
	}

	/** Writes of the balance since the audit started, given the balance node's version now. */
	long writes(int version) {
		long base = (this.rollovers == 0) ? Integer.toUnsignedLong(this.openingVersion) : 0;
		return this.writesBefore + Integer.toUnsignedLong(version) - base;
	}

	/** This root after a rollover of the balance node from the given version, which is one more write. */
	AuditOpening rolledOver(int version) {
		return new AuditOpening(this.openingBalance, this.openingVersion, 0, this.rollovers + 1, writes(version) + 1);
	}

	boolean isValid() {
		return this.openingBalance != null && Money.isStorable(this.openingBalance) && this.depositCzxid >= 0
				&& this.rollovers >= 0 && this.writesBefore >= 0;
	}

}
