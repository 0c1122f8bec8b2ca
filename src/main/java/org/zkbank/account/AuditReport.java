package org.zkbank.account;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import tools.jackson.databind.annotation.JsonSerialize;

/**
 * The audit of the deposit from one consistent snapshot. Conserved means: the balance
 * equals the opening balance plus every committed deposit minus every committed
 * withdrawal, and every change of the balance node since the audit started was an audited
 * commit.
 *
 * @param balance the balance node's value
 * @param version the balance node's version
 * @param openingBalance the balance when the audit started
 * @param openingVersion the balance node's version when the audit started
 * @param expectedBalance opening balance + deposits - withdrawals
 * @param discrepancy balance - expected balance: money no audited commit explains
 * @param unexplainedWrites changes of the balance node that no audited commit made (a
 * foreign writer such as {@code zkCli.sh set}), even those that left the value unchanged;
 * counted across the wrap of the node's 32-bit version and across rollovers
 * @param conserved whether the discrepancy is zero and there were no unexplained writes
 * @param customers the committed totals of each customer
 */
@JsonPropertyOrder({ "balance", "version", "openingBalance", "openingVersion", "expectedBalance", "discrepancy",
		"unexplainedWrites", "conserved", "customers" })
public record AuditReport(@JsonSerialize(using = PlainAmount.class) BigDecimal balance, int version,
		@JsonSerialize(using = PlainAmount.class) BigDecimal openingBalance, int openingVersion,
		@JsonSerialize(using = PlainAmount.class) BigDecimal expectedBalance,
		@JsonSerialize(using = PlainAmount.class) BigDecimal discrepancy, long unexplainedWrites, boolean conserved,
		Map<String, CustomerAudit> customers) {

	/**
	 * What one customer has committed, in how many operations and how many writes of the
	 * balance.
	 */
	@JsonPropertyOrder({ "deposited", "withdrawn", "operations", "commits" })
	public record CustomerAudit(@JsonSerialize(using = PlainAmount.class) BigDecimal deposited,
			@JsonSerialize(using = PlainAmount.class) BigDecimal withdrawn, long operations, long commits) {
	}

	static AuditReport of(BigDecimal balance, int version, AuditOpening opening, Map<String, CustomerTotals> totals) {
		BigDecimal expected = opening.openingBalance();
		long commits = 0;
		Map<String, CustomerAudit> customers = new TreeMap<>();
		for (Map.Entry<String, CustomerTotals> entry : totals.entrySet()) {
			CustomerTotals customer = entry.getValue();
			expected = expected.add(customer.deposited()).subtract(customer.withdrawn());
			commits += customer.commits();
			customers.put(entry.getKey(), new CustomerAudit(Money.cents(customer.deposited()),
					Money.cents(customer.withdrawn()), customer.operations(), customer.commits()));
		}
		BigDecimal discrepancy = balance.subtract(expected);
		long unexplained = opening.writes(version) - commits;
		return new AuditReport(Money.cents(balance), version, Money.cents(opening.openingBalance()),
				opening.openingVersion(), Money.cents(expected), Money.cents(discrepancy), unexplained,
				discrepancy.signum() == 0 && unexplained == 0, customers);
	}

}
