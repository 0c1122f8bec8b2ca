package org.zkbank.account;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.zkbank.account.Outcome;
import org.zkbank.support.RealZooKeeper;
import org.zkbank.support.ZooKeeperProxy;
import org.zkbank.support.ZooKeeperTestClients;
import org.zkbank.zookeeper.ZooKeeperProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The commit protocol against a real in-process ZooKeeper server. */
class DepositAccountTests {

	/** One server for the class; each test on a deposit of its own. */
	@RegisterExtension
	static final RealZooKeeper zk = RealZooKeeper.perClass();

	private static final AtomicInteger deposits = new AtomicInteger();

	private final StopSignal stop = new StopSignal();

	private DepositSettings properties = ZooKeeperTestClients.properties("/bank_deposit_" + deposits.incrementAndGet());

	@Test
	void createsTheDepositWithTheOpeningBalanceAsAPlainDecimal() throws Exception {
		Snapshot snapshot = account("Alice").read();

		assertThat(snapshot.balance()).isEqualByComparingTo("1000");
		assertThat(snapshot.version()).isZero();
		assertThat(data(this.properties.deposit().path())).isEqualTo("1000");
		assertThat(audit().openingBalance()).isEqualByComparingTo("1000");
	}

	@Test
	void adoptsANodeZkCliCreatedAndKeepsEveryDecimalOfAForeignValue() throws Exception {
		zk.zkCli().create().forPath(this.properties.deposit().path(), bytes("1694.6596372873594"));
		zk.zkCli().setData().forPath(this.properties.deposit().path(), bytes("1694.6596372873594"));
		DepositAccount alice = account("Alice");

		CommitResult result = alice.commit(Operation.deposit(new BigDecimal("0.01")), alice.read());

		assertThat(result.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(data(this.properties.deposit().path())).isEqualTo("1694.6696372873594");
		AuditReport audit = audit();
		assertThat(audit.openingBalance()).isEqualByComparingTo("1694.6596372873594");
		assertThat(audit.openingVersion()).isEqualTo(1);
		assertThat(audit.conserved()).isTrue();
	}

	@Test
	void commitsFromTheSnapshotOfTheLastCommitInOneRoundTrip() throws Exception {
		ZooKeeperProxy proxy = zk.proxy();
		DepositAccount alice = behindProxy("Alice");
		CommitResult first = alice.commit(Operation.deposit(new BigDecimal("10.00")), alice.read());
		int before = proxy.requests();

		CommitResult second = alice.commit(Operation.withdraw(new BigDecimal("5.50")), first.snapshot());

		assertThat(proxy.requests() - before).isEqualTo(1);
		assertThat(second.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(second.version()).isEqualTo(first.version() + 1);
		assertThat(data(this.properties.deposit().path())).isEqualTo("1004.50");
	}

	@Test
	void aCompetingWriteBetweenReadAndCommitIsOneConflictAndTheSameOperationIsRetried() throws Exception {
		DepositAccount alice = account("Alice");
		DepositAccount bob = account("Bob");
		Snapshot aliceRead = alice.read();
		bob.commit(Operation.deposit(new BigDecimal("250.00")), bob.read());

		CommitResult result = alice.commit(Operation.withdraw(new BigDecimal("100.00")), aliceRead);

		assertThat(result.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(result.stats().conflicts()).isEqualTo(1);
		assertThat(result.stats().attempts()).isEqualTo(2);
		assertThat(result.single().balanceBefore()).isEqualByComparingTo("1250.00");
		assertThat(result.single().balanceAfter()).isEqualByComparingTo("1150.00");
		assertThat(data(this.properties.deposit().path())).isEqualTo("1150.00");
		assertThat(audit().conserved()).isTrue();
	}

	@Test
	void aWithdrawalThatNoLongerFitsIsRejectedAndTheBalanceStaysPositive() throws Exception {
		DepositAccount alice = account("Alice");
		DepositAccount bob = account("Bob");
		Snapshot aliceRead = alice.read();
		bob.commit(Operation.withdraw(new BigDecimal("600.00")), bob.read());

		CommitResult result = alice.commit(Operation.withdraw(new BigDecimal("900.00")), aliceRead);

		assertThat(result.single().outcome()).isEqualTo(Outcome.REJECTED);
		assertThat(result.stats().conflicts()).isEqualTo(1);
		assertThat(result.single().reason()).contains("insufficient funds");
		assertThat(data(this.properties.deposit().path())).isEqualTo("400.00");
		assertThat(audit().customers()).doesNotContainKey("Alice");
	}

	@Test
	void aGroupCommitChecksEachOperationInOrderInOneRoundTripAndRejectsAnOverdraftAlone() throws Exception {
		ZooKeeperProxy proxy = zk.proxy();
		DepositAccount alice = behindProxy("Alice");
		Snapshot read = alice.read();
		int before = proxy.requests();

		CommitResult commit = alice.commit(
				List.of(Operation.withdraw(new BigDecimal("600.00")), Operation.withdraw(new BigDecimal("500.00")),
						Operation.deposit(new BigDecimal("100.00")), Operation.withdraw(new BigDecimal("450.00"))),
				read);

		assertThat(proxy.requests() - before).isEqualTo(1);
		assertThat(commit.operations()).extracting(OperationResult::outcome)
			.containsExactly(Outcome.COMMITTED, Outcome.REJECTED, Outcome.COMMITTED, Outcome.COMMITTED);
		assertThat(commit.operations()).extracting(OperationResult::balanceBefore)
			.usingElementComparator(BigDecimal::compareTo)
			.containsExactly(new BigDecimal("1000"), new BigDecimal("400.00"), new BigDecimal("400.00"),
					new BigDecimal("500.00"));
		assertThat(commit.operations().get(1).reason()).isEqualTo("insufficient funds: balance 400.00");
		assertThat(commit.version()).isEqualTo(read.version() + 1);
		assertThat(data(this.properties.deposit().path())).isEqualTo("50.00");
		AuditReport audit = audit();
		assertThat(audit.customers().get("Alice").operations()).isEqualTo(3);
		assertThat(audit.customers().get("Alice").withdrawn()).isEqualByComparingTo("1050.00");
		assertThat(audit.conserved()).isTrue();
	}

	@Test
	void aConflictingGroupIsCheckedAgainFromTheFreshBalance() throws Exception {
		DepositAccount alice = account("Alice");
		DepositAccount bob = account("Bob");
		Snapshot aliceRead = alice.read();
		bob.commit(Operation.withdraw(new BigDecimal("700.00")), bob.read());

		CommitResult commit = alice.commit(
				List.of(Operation.withdraw(new BigDecimal("500.00")), Operation.deposit(new BigDecimal("20.00"))),
				aliceRead);

		assertThat(commit.operations()).extracting(OperationResult::outcome)
			.containsExactly(Outcome.REJECTED, Outcome.COMMITTED);
		assertThat(commit.stats().conflicts()).isEqualTo(1);
		assertThat(commit.stats().attempts()).isEqualTo(2);
		assertThat(data(this.properties.deposit().path())).isEqualTo("320.00");
		assertThat(audit().conserved()).isTrue();
	}

	@Test
	void aGroupOfOverdraftsIsRejectedWithoutAWrite() throws Exception {
		DepositAccount alice = account("Alice");
		Snapshot read = alice.read();

		CommitResult commit = alice.commit(
				List.of(Operation.withdraw(new BigDecimal("1000.01")), Operation.withdraw(new BigDecimal("2000.00"))),
				read);

		assertThat(commit.operations()).extracting(OperationResult::outcome).containsOnly(Outcome.REJECTED);
		assertThat(commit.stats().attempts()).isZero();
		assertThat(alice.read().version()).isEqualTo(read.version());
	}

	@Test
	void failsAfterTheOperationTimeoutWithoutApplyingTheOperation() throws Exception {
		this.properties = new DepositSettings(
				new DepositProperties(this.properties.deposit().path(), new BigDecimal("1000")),
				new RetryProperties(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(1)),
				new ZooKeeperProperties.Auth("", ""));
		DepositAccount alice = account("Alice");
		DepositAccount bob = account("Bob");
		Snapshot aliceRead = alice.read();
		bob.commit(Operation.deposit(new BigDecimal("1.00")), bob.read());

		CommitResult result = alice.commit(Operation.deposit(new BigDecimal("2.00")), aliceRead);

		assertThat(result.single().outcome()).isEqualTo(Outcome.FAILED);
		assertThat(result.stats().attempts()).isEqualTo(1);
		assertThat(result.single().reason())
			.isEqualTo("gave up after 1 attempts in 1 ms (bank.retry.operation-timeout)");
		assertThat(data(this.properties.deposit().path())).isEqualTo("1001.00");
		assertThat(audit().conserved()).isTrue();
	}

	@ParameterizedTest
	@MethodSource("corruptBalances")
	void neverOverwritesACorruptBalanceAndResumesOnceItIsValid(String corrupt) throws Exception {
		DepositAccount alice = account("Alice");
		Snapshot before = alice.read();
		zk.zkCli().setData().forPath(this.properties.deposit().path(), bytes(corrupt));

		assertThatExceptionOfType(DepositException.class).isThrownBy(alice::read)
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(DepositException.Problem.CORRUPT_BALANCE))
			.withMessageContaining(this.properties.deposit().path());
		CommitResult stale = alice.commit(Operation.deposit(new BigDecimal("1.00")), before);
		assertThat(stale.single().outcome()).isEqualTo(Outcome.FAILED);
		assertThat(zk.zkCli().getData().forPath(this.properties.deposit().path())).isEqualTo(bytes(corrupt));

		zk.zkCli().setData().forPath(this.properties.deposit().path(), bytes("1000"));
		CommitResult resumed = alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read());
		assertThat(resumed.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(data(this.properties.deposit().path())).isEqualTo("1001.00");
	}

	/**
	 * Not amounts: words, signs, floats' spellings, another client's JSON, binary data,
	 * 500 KB of digits.
	 */
	static Stream<String> corruptBalances() {
		return Stream.of("abc", "-5", "NaN", "", "1e3", "Infinity", "{\"balance\": 1000}",
				new String(new byte[] { 0, 1, 2, (byte) 0xff }, StandardCharsets.ISO_8859_1), "9".repeat(500_000));
	}

	@Test
	void reportsADepositDeletedAfterTheAuditStartedAndDoesNotRecreateIt() throws Exception {
		DepositAccount alice = account("Alice");
		Snapshot before = alice.read();
		zk.zkCli().delete().deletingChildrenIfNeeded().forPath(this.properties.deposit().path());

		assertThatExceptionOfType(DepositException.class).isThrownBy(alice::read)
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(DepositException.Problem.DEPOSIT_MISSING));
		assertThat(alice.commit(Operation.deposit(new BigDecimal("1.00")), before).single().outcome())
			.isEqualTo(Outcome.FAILED);
		assertThat(zk.zkCli().checkExists().forPath(this.properties.deposit().path())).isNull();
	}

	@Test
	void reportsADepositDeletedAndCreatedAgainAndNeverWritesToIt() throws Exception {
		DepositAccount alice = account("Alice");
		alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read());
		zk.zkCli().delete().deletingChildrenIfNeeded().forPath(this.properties.deposit().path());
		zk.zkCli().create().forPath(this.properties.deposit().path(), bytes("5000000"));

		assertThatExceptionOfType(DepositException.class).isThrownBy(alice::read)
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(DepositException.Problem.DEPOSIT_REPLACED));
		assertThat(alice.commit(Operation.withdraw(new BigDecimal("4000000")), null).single().outcome())
			.isEqualTo(Outcome.FAILED);
		assertThat(data(this.properties.deposit().path())).isEqualTo("5000000");
		assertThatExceptionOfType(DepositException.class).isThrownBy(this::audit)
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(DepositException.Problem.DEPOSIT_REPLACED));
	}

	@Test
	void commitsOnEveryBalanceMoneyAcceptsAndRejectsWhatItCouldNotStore() throws Exception {
		zk.zkCli()
			.create()
			.forPath(this.properties.deposit().path(),
					bytes("999999999999999999999999999990.123456789012345678901234567890"));
		DepositAccount alice = account("Alice");

		CommitResult largest = alice.commit(Operation.deposit(new BigDecimal("9.00")), alice.read());
		CommitResult tooLarge = alice.commit(Operation.deposit(new BigDecimal("1.00")), largest.snapshot());
		CommitResult all = alice.commit(Operation.withdraw(new BigDecimal("999999999999999999999999999999.00")),
				tooLarge.snapshot());

		assertThat(largest.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(tooLarge.single().outcome()).isEqualTo(Outcome.REJECTED);
		assertThat(tooLarge.single().reason()).contains("more digits than the deposit stores");
		assertThat(all.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(data(this.properties.deposit().path())).isEqualTo("0.123456789012345678901234567890");
		assertThat(audit().conserved()).isTrue();
	}

	@Test
	void rejectsACommitWhoseAuditTotalWouldNeedA31stDigit() throws Exception {
		String largest = "9".repeat(30);
		zk.zkCli().create().forPath(this.properties.deposit().path(), bytes(largest));
		DepositAccount alice = account("Alice");

		// all out and all back in: the balance and both of Alice's totals still fit
		CommitResult out = alice.commit(Operation.withdraw(new BigDecimal(largest)), alice.read());
		CommitResult in = alice.commit(Operation.deposit(new BigDecimal(largest)), out.snapshot());
		// the balance would fit, her withdrawn total (10^30) would not
		CommitResult again = alice.commit(Operation.withdraw(BigDecimal.ONE), in.snapshot());

		assertThat(out.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(in.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(again.single().outcome()).isEqualTo(Outcome.REJECTED);
		assertThat(again.single().reason()).contains("more digits than the deposit stores");
		assertThat(data(this.properties.deposit().path())).isEqualTo(largest);
		AuditReport audit = audit();
		assertThat(audit.customers().get("Alice").withdrawn()).isEqualByComparingTo(largest);
		assertThat(audit.conserved()).isTrue();
	}

	@Test
	void reportsCorruptAuditDataWithoutOverwritingIt() throws Exception {
		DepositAccount alice = account("Alice");
		alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read());
		String path = this.properties.deposit().auditPath() + "/Alice";
		zk.zkCli().setData().forPath(path, bytes("{\"deposited\":\"-3\"}"));

		assertThatExceptionOfType(DepositException.class).isThrownBy(alice::read)
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(DepositException.Problem.CORRUPT_AUDIT));
		assertThat(data(path)).isEqualTo("{\"deposited\":\"-3\"}");
	}

	@Test
	void anUnreachableZooKeeperIsReportedNotThrownAtTheCaller() throws Exception {
		ZooKeeperProxy proxy = zk.proxy();
		DepositAccount alice = behindProxy("Alice");
		Snapshot snapshot = alice.read();
		proxy.close();
		this.stop.stop();

		CommitResult result = alice.commit(Operation.deposit(new BigDecimal("1.00")), snapshot);

		// unknown when the write went out before the client saw the connection close
		assertThat(result.single().outcome()).isIn(Outcome.FAILED, Outcome.UNKNOWN);
		assertThat(data(this.properties.deposit().path())).isEqualTo("1000");
	}

	private DepositAccount account(String customer) throws InterruptedException {
		return new DepositAccount(zk.connect(), this.properties, customer, this.stop);
	}

	private DepositAccount behindProxy(String customer) throws InterruptedException {
		return new DepositAccount(zk.connectBehindProxy(), this.properties, customer, this.stop);
	}

	private AuditReport audit() {
		return new DepositAudit(zk.zkCli(), this.properties).report();
	}

	private String data(String path) throws Exception {
		return new String(zk.zkCli().getData().forPath(path), StandardCharsets.UTF_8);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
