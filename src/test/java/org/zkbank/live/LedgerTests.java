package org.zkbank.live;

import java.math.BigDecimal;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.zkbank.account.AuditReport;
import org.zkbank.account.CustomerTotals;

import static org.assertj.core.api.Assertions.assertThat;

class LedgerTests {

	private final Ledger ledger = new Ledger(5, 3);

	@Test
	void aVersionBelongsToTheCustomerWhoseAuditEntryCameInTheSameTransactionWhicheverArrivesFirst() {
		this.ledger.opening(new BigDecimal("1000"), 0);
		this.ledger.balance(0, 100, new BigDecimal("1000"));
		this.ledger.balance(1, 101, new BigDecimal("1010.00"));
		this.ledger.totals("Alice", 101, totals("10.00", "0", 1, 1));
		this.ledger.totals("Bob", 102, totals("0", "5.50", 1, 1));
		this.ledger.balance(2, 102, new BigDecimal("1004.50"));

		LiveState.Deposit deposit = this.ledger.snapshot();
		assertThat(deposit.points()).containsExactly(new LiveState.Point(0, "1000.00", null, Ledger.Kind.OPENING),
				new LiveState.Point(1, "1010.00", "Alice", Ledger.Kind.COMMIT),
				new LiveState.Point(2, "1004.50", "Bob", Ledger.Kind.COMMIT));
		assertThat(deposit.commits()).containsExactly(
				new LiveState.Commit(2, "Bob", Ledger.Kind.COMMIT, "-5.50", "0.00", "5.50", 1, 1, "1004.50"),
				new LiveState.Commit(1, "Alice", Ledger.Kind.COMMIT, "10.00", "10.00", "0.00", 1, 1, "1010.00"));
	}

	@Test
	void aCommitMovedTheDifferenceBetweenTwoSuccessiveAuditEntriesOfItsCustomer() {
		this.ledger.totals("Alice", 50, totals("100.00", "20.00", 4, 3)); // seen at start: no difference to show
		this.ledger.balance(7, 60, new BigDecimal("1055.00"));
		this.ledger.totals("Alice", 60, totals("200.00", "65.00", 7, 4)); // a group commit of 3 operations

		assertThat(this.ledger.snapshot().commits()).containsExactly(
				new LiveState.Commit(7, "Alice", Ledger.Kind.COMMIT, "55.00", "100.00", "45.00", 3, 1, "1055.00"));
	}

	@Test
	void aVersionNoAuditEntryClaimsIsUnexplainedOnlyOnceTheAuditCountsAnUnexplainedWrite() {
		this.ledger.opening(new BigDecimal("1000"), 0);
		this.ledger.balance(0, 100, new BigDecimal("1000"));
		this.ledger.audited(report(0, "1000", 0));
		this.ledger.balance(1, 101, new BigDecimal("5"));
		assertThat(this.ledger.snapshot().points().get(1).kind()).isEqualTo(Ledger.Kind.UNATTRIBUTED);

		this.ledger.audited(report(1, "5", 1));

		LiveState.Deposit deposit = this.ledger.snapshot();
		assertThat(deposit.points().get(1).kind()).isEqualTo(Ledger.Kind.UNEXPLAINED);
		assertThat(deposit.commits()).containsExactly(
				new LiveState.Commit(1, null, Ledger.Kind.UNEXPLAINED, null, null, null, 0, 0, "5.00"));
		this.ledger.audited(report(1, "5", 1)); // the same write is not counted twice
		assertThat(this.ledger.snapshot().commits()).hasSize(1);
	}

	@Test
	void keepsTheLatestVersionsAndCommitsOnly() {
		for (int version = 1; version <= 20; version++) {
			this.ledger.balance(version, 100 + version, new BigDecimal(version));
			this.ledger.totals("Alice", 100 + version, totals(Integer.toString(version * (version + 1) / 2), "0",
					version, version));
		}
		LiveState.Deposit deposit = this.ledger.snapshot();
		assertThat(deposit.points()).extracting(LiveState.Point::version).containsExactly(16, 17, 18, 19, 20);
		assertThat(deposit.commits()).extracting(LiveState.Commit::version).containsExactly(20, 19, 18);
	}

	private static CustomerTotals totals(String deposited, String withdrawn, long operations, long commits) {
		return new CustomerTotals(new BigDecimal(deposited), new BigDecimal(withdrawn), operations, commits, Map.of());
	}

	private static AuditReport report(int version, String balance, long unexplained) {
		BigDecimal amount = new BigDecimal(balance);
		return new AuditReport(amount, version, new BigDecimal("1000"), 0, new BigDecimal("1000"),
				amount.subtract(new BigDecimal("1000")), unexplained, unexplained == 0, Map.of());
	}

}
