package org.zkbank.account;

import java.math.BigDecimal;

import com.fasterxml.jackson.annotation.JsonFormat;

/**
 * The data of the audit root node: where the audit started, and the writes of the balance
 * made on the nodes it had before the last rollover.
 *
 * @param openingBalance the balance when auditing started (when zkCli created the node,
 * the value it wrote)
 * @param openingVersion the balance node's version when auditing started
 * @param rollovers how often the balance node was recreated because its version was about
 * to reach -1, where a versioned write would no longer be conditional
 * @param writesBefore writes of the balance on the nodes it had before the last rollover,
 * counted from the audit's start
 */
public record AuditOpening(@JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal openingBalance, int openingVersion,
		long rollovers, long writesBefore) {

	/** The audit root of a balance node that has not been rolled over. */
	static AuditOpening of(BigDecimal openingBalance, int openingVersion) {
		return new AuditOpening(openingBalance, openingVersion, 0, 0);
	}

	/**
	 * Writes of the balance since the audit started, given the balance node's version
	 * now.
	 */
	long writes(int version) {
		long base = (this.rollovers == 0) ? Integer.toUnsignedLong(this.openingVersion) : 0;
		return this.writesBefore + Integer.toUnsignedLong(version) - base;
	}

	/**
	 * This root after a rollover of the balance node from the given version, which is one
	 * more write.
	 */
	AuditOpening rolledOver(int version) {
		return new AuditOpening(this.openingBalance, this.openingVersion, this.rollovers + 1, writes(version) + 1);
	}

	boolean isValid() {
		return this.openingBalance != null && Money.isStorable(this.openingBalance) && this.rollovers >= 0
				&& this.writesBefore >= 0;
	}

}
