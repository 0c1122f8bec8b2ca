package org.zkbank.account;

import java.math.BigDecimal;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the shared deposit lives.
 *
 * @param path the balance node; its audit nodes live under {@code <path>_audit}, the line
 * of customers waiting for a turn under {@code <path>_turns}
 * @param openingBalance the balance written when the node does not exist and was never
 * audited
 */
@ConfigurationProperties("bank.deposit")
@Validated
public record DepositProperties(
		@DefaultValue("/bank_deposit") @NotNull @Pattern(regexp = "(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)+",
				message = "must be an absolute ZooKeeper path such as /bank_deposit") String path,
		@DefaultValue("1000") @NotNull @DecimalMin("0") @Digits(integer = 18, fraction = 2) BigDecimal openingBalance) {

	/** The parent of the audit nodes, beside the balance node. */
	public String auditPath() {
		return this.path + "_audit";
	}

	/** The parent of the places in line for a turn, beside the balance node. */
	public String turnsPath() {
		return this.path + "_turns";
	}

}
