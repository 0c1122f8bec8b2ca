package org.zkbank.live;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.zkbank.account.AuditReport;
import org.zkbank.account.AuditReport.CustomerAudit;

import static org.assertj.core.api.Assertions.assertThat;

class LedgerTests {

	private final Ledger ledger = new Ledger(5, 4);

	private final Map<String, CustomerAudit> customers = new LinkedHashMap<>();

	@Test
	void aVersionThatMovedByOneIsTheCommitOfTheOneCustomerWhoseAuditEntryMoved() {
		this.ledger.audited(report(0, "1000", 0));
		commit("Alice", "10.00", "0", 1);
		this.ledger.audited(report(1, "1010.00", 0));
		commit("Bob", "0", "5.50", 1);
		this.ledger.audited(report(2, "1004.50", 0));

		LiveState.Deposit deposit = this.ledger.snapshot();
		assertThat(deposit.points()).containsExactly(new LiveState.Point(0, "1000.00", null, Ledger.Kind.OPENING),
				new LiveState.Point(1, "1010.00", "Alice", Ledger.Kind.COMMIT),
				new LiveState.Point(2, "1004.50", "Bob", Ledger.Kind.COMMIT));
		assertThat(deposit.commits()).containsExactly(
				new LiveState.Commit(2, 2, "Bob", Ledger.Kind.COMMIT, "-5.50", "0.00", "5.50", 1, 1, "1004.50"),
				new LiveState.Commit(1, 1, "Alice", Ledger.Kind.COMMIT, "10.00", "10.00", "0.00", 1, 1, "1010.00"));
		assertThat(deposit.customers()).containsExactly("Alice", "Bob");
	}

	@Test
	void aGroupCommitShowsItsOperationsAndVersionsAuditedTogetherAreSummedPerCustomer() {
		commit("Alice", "100.00", "20.00", 2);
		// seen when this instance started: nothing to compare with
		this.ledger.audited(report(2, "1080.00", 0));
		this.customers.put("Alice", new CustomerAudit(new BigDecimal("200.00"), new BigDecimal("65.00"), 5, 2));
		this.ledger.audited(report(3, "1135.00", 0)); // one write carrying 3 operations
		commit("Alice", "1.00", "0", 1);
		commit("Bob", "2.00", "0", 1);
		commit("Bob", "3.00", "0", 1);
		this.ledger.audited(report(6, "1141.00", 0)); // three commits between two audits

		LiveState.Deposit deposit = this.ledger.snapshot();
		assertThat(deposit.commits()).containsExactly(
				new LiveState.Commit(4, 6, "Bob", Ledger.Kind.COMMIT, "5.00", "5.00", "0.00", 2, 2, "1141.00"),
				new LiveState.Commit(4, 6, "Alice", Ledger.Kind.COMMIT, "1.00", "1.00", "0.00", 1, 1, "1141.00"),
				new LiveState.Commit(3, 3, "Alice", Ledger.Kind.COMMIT, "55.00", "100.00", "45.00", 3, 1, "1135.00"));
		assertThat(deposit.points()).containsExactly(new LiveState.Point(0, "1000.00", null, Ledger.Kind.OPENING),
				new LiveState.Point(2, "1080.00", null, Ledger.Kind.UNATTRIBUTED),
				new LiveState.Point(3, "1135.00", "Alice", Ledger.Kind.COMMIT),
				new LiveState.Point(6, "1141.00", null, Ledger.Kind.UNATTRIBUTED));
	}

	@Test
	void aWriteNoAuditedCommitExplainsIsMarkedOnceAndLaterCommitsAreNot() {
		this.ledger.audited(report(0, "1000", 0));
		this.ledger.audited(report(1, "5", 1));
		this.ledger.audited(report(1, "5", 1)); // audited again, nothing new
		commit("Alice", "10.00", "0", 1);
		this.ledger.audited(report(2, "15.00", 1));

		LiveState.Deposit deposit = this.ledger.snapshot();
		assertThat(deposit.points()).extracting(LiveState.Point::kind)
			.containsExactly(Ledger.Kind.OPENING, Ledger.Kind.UNEXPLAINED, Ledger.Kind.COMMIT);
		assertThat(deposit.commits()).containsExactly(
				new LiveState.Commit(2, 2, "Alice", Ledger.Kind.COMMIT, "10.00", "10.00", "0.00", 1, 1, "15.00"),
				new LiveState.Commit(1, 1, null, Ledger.Kind.UNEXPLAINED, null, null, null, 0, 1, "5.00"));
		assertThat(deposit.audit().conserved()).isFalse();
	}

	@Test
	void keepsTheLatestVersionsAndCommitsOnly() {
		this.ledger.audited(report(0, "1000", 0));
		for (int version = 1; version <= 20; version++) {
			commit("Alice", "1.00", "0", 1);
			this.ledger.audited(report(version, Integer.toString(1000 + version), 0));
		}
		LiveState.Deposit deposit = this.ledger.snapshot();
		assertThat(deposit.points()).extracting(LiveState.Point::version).containsExactly(16, 17, 18, 19, 20);
		assertThat(deposit.commits()).extracting(LiveState.Commit::to).containsExactly(20, 19, 18, 17);
	}

	/** Adds a commit of the customer to the totals the next report carries. */
	private void commit(String customer, String deposited, String withdrawn, long operations) {
		CustomerAudit before = this.customers.getOrDefault(customer,
				new CustomerAudit(BigDecimal.ZERO, BigDecimal.ZERO, 0, 0));
		this.customers.put(customer,
				new CustomerAudit(before.deposited().add(new BigDecimal(deposited)),
						before.withdrawn().add(new BigDecimal(withdrawn)), before.operations() + operations,
						before.commits() + 1));
	}

	private AuditReport report(int version, String balance, long unexplained) {
		BigDecimal amount = new BigDecimal(balance);
		return new AuditReport(amount, version, new BigDecimal("1000"), 0, new BigDecimal("1000"),
				amount.subtract(new BigDecimal("1000")), unexplained, unexplained == 0, Map.copyOf(this.customers));
	}

}
