package org.zkbank.account;

import java.math.BigDecimal;

import com.fasterxml.jackson.annotation.JsonFormat;

/**
 * The data of the audit root node: the balance and its node version when auditing started.
 * When zkCli created the balance node, that is the value it wrote.
 */
public record AuditOpening(@JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal openingBalance,
		int openingVersion) {

	boolean isValid() {
		return this.openingBalance != null && this.openingBalance.signum() >= 0 && this.openingVersion >= 0;
	}

}
