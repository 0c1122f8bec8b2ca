package org.zkbank.account;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.zkbank.account.Outcome;
import org.zkbank.support.RealZooKeeper;
import org.zkbank.support.TransactionLogOracle;
import org.zkbank.support.ZooKeeperTestClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Commits whose result is lost on the way back: a TCP proxy between the customer and a
 * real server cuts the connection right after the server applied the commit, or right
 * before the server could see it. After each test, the {@link TransactionLogOracle}
 * checks every recorded outcome against the server's transaction log.
 */
class AmbiguousCommitTests {

	@RegisterExtension
	final RealZooKeeper zk = RealZooKeeper.perTest();

	private DepositSettings properties = ZooKeeperTestClients.properties("/bank_deposit");

	@AfterEach
	void checkTheLog() {
		this.zk.checkLog(this.properties);
	}

	@Test
	void aCommitAppliedBeforeItsReplyWasLostIsCountedOnceAndNotAppliedAgain() throws Exception {
		DepositAccount alice = behindProxy("Alice");
		Snapshot read = alice.read();
		this.zk.proxy().loseNextCommitReply(false);

		CommitResult result = this.zk.record(alice.commit(Operation.deposit(new BigDecimal("100.00")), read));

		assertThat(this.zk.proxy().awaitFault(Duration.ZERO)).isTrue();
		assertThat(result.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(result.stats().ambiguous()).isTrue();
		assertThat(result.stats().attempts()).isEqualTo(1);
		assertThat(result.stats().conflicts()).isZero();
		assertThat(result.single().balanceAfter()).isEqualByComparingTo("1100.00");
		AuditReport report = audit();
		assertThat(report.balance()).isEqualByComparingTo("1100.00");
		assertThat(report.customers().get("Alice").operations()).isEqualTo(1);
		assertThat(report.conserved()).isTrue();
	}

	@Test
	void aGroupCommitAppliedBeforeItsReplyWasLostEndsEachOperationOnceAsItsPlanSaid() throws Exception {
		DepositAccount alice = behindProxy("Alice");
		Snapshot read = alice.read();
		this.zk.proxy().loseNextCommitReply(false);

		CommitResult commit = alice.commit(List.of(Operation.deposit(new BigDecimal("100.00")),
				Operation.withdraw(new BigDecimal("5000.00")), Operation.withdraw(new BigDecimal("1.00"))), read);
		this.zk.record(commit);

		assertThat(this.zk.proxy().awaitFault(Duration.ZERO)).isTrue();
		assertThat(commit.operations()).extracting(OperationResult::outcome)
			.containsExactly(Outcome.COMMITTED, Outcome.REJECTED, Outcome.COMMITTED);
		assertThat(commit.stats().ambiguous()).isTrue();
		assertThat(commit.stats().attempts()).isEqualTo(1);
		AuditReport report = audit();
		assertThat(report.balance()).isEqualByComparingTo("1099.00");
		assertThat(report.version()).isEqualTo(read.version() + 1);
		assertThat(report.customers().get("Alice").operations()).isEqualTo(2);
		assertThat(report.conserved()).isTrue();
	}

	@Test
	void aCommitLostBeforeTheServerSawItIsAppliedOnceByItsRetry() throws Exception {
		DepositAccount alice = behindProxy("Alice");
		Snapshot read = alice.read();
		this.zk.proxy().loseNextCommit(false);

		CommitResult result = this.zk.record(alice.commit(Operation.withdraw(new BigDecimal("40.00")), read));

		assertThat(this.zk.proxy().awaitFault(Duration.ZERO)).isTrue();
		assertThat(result.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(result.stats().ambiguous()).isTrue();
		assertThat(result.stats().attempts()).isEqualTo(2);
		AuditReport report = audit();
		assertThat(report.balance()).isEqualByComparingTo("960.00");
		assertThat(report.customers().get("Alice").operations()).isEqualTo(1);
		assertThat(report.conserved()).isTrue();
	}

	@Test
	void anotherInstanceOfTheSameCustomerCommittingMeanwhileDoesNotHideOrRepeatTheLostCommit() throws Exception {
		DepositAccount first = behindProxy("Alice");
		DepositAccount second = direct("Alice");
		Snapshot read = first.read();

		CompletableFuture<CommitResult> lost = this.zk.proxy()
			.loseReplyOf(() -> first.commit(Operation.deposit(new BigDecimal("100.00")), read));
		CommitResult meanwhile = this.zk
			.record(second.commit(Operation.deposit(new BigDecimal("50.00")), second.read()));
		this.zk.proxy().heal();
		CommitResult resolved = this.zk.record(lost.get(30, TimeUnit.SECONDS));

		assertThat(meanwhile.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(meanwhile.single().balanceBefore()).isEqualByComparingTo("1100.00");
		assertThat(resolved.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(resolved.stats().ambiguous()).isTrue();
		assertThat(resolved.stats().attempts()).isEqualTo(1);
		AuditReport report = audit();
		assertThat(report.balance()).isEqualByComparingTo("1150.00");
		assertThat(report.customers().get("Alice").operations()).isEqualTo(2);
		assertThat(report.customers().get("Alice").deposited()).isEqualByComparingTo("150.00");
		assertThat(report.conserved()).isTrue();
	}

	@Test
	void aLostCommitThatNeverLandedStaysUnappliedWhenAnotherInstanceMovesTheBalanceOn() throws Exception {
		DepositAccount first = behindProxy("Alice");
		DepositAccount second = direct("Alice");
		Snapshot read = first.read();

		CompletableFuture<CommitResult> lost = this.zk.proxy()
			.loseRequestOf(() -> first.commit(Operation.withdraw(new BigDecimal("700.00")), read));
		this.zk.record(second.commit(Operation.withdraw(new BigDecimal("500.00")), second.read()));
		this.zk.proxy().heal();
		CommitResult resolved = this.zk.record(lost.get(30, TimeUnit.SECONDS));

		assertThat(resolved.single().outcome()).isEqualTo(Outcome.REJECTED);
		assertThat(resolved.stats().ambiguous()).isTrue();
		AuditReport report = audit();
		assertThat(report.balance()).isEqualByComparingTo("500.00");
		assertThat(report.customers().get("Alice").operations()).isEqualTo(1);
		assertThat(report.conserved()).isTrue();
	}

	@ParameterizedTest(name = "{0} other instances")
	@CsvSource({ "31, COMMITTED", "40, UNKNOWN" })
	void aLostReplyIsAppliedOnceHoweverManyOtherInstancesOfTheNameCommitMeanwhile(int others, Outcome expected)
			throws Exception {
		DepositAccount first = behindProxy("Alice");
		Snapshot read = first.read();

		CompletableFuture<CommitResult> lost = this.zk.proxy()
			.loseReplyOf(() -> first.commit(Operation.deposit(new BigDecimal("100.00")), read));
		CuratorFramework direct = this.zk.connect();
		for (int i = 0; i < others; i++) {
			this.zk.record(new DepositAccount(direct, this.properties, "Alice", new StopSignal())
				.commit(Operation.deposit(new BigDecimal("1.00")), null));
		}
		this.zk.proxy().heal();
		CommitResult resolved = this.zk.record(lost.get(30, TimeUnit.SECONDS));

		// with more instances than the entry keeps, the lost commit's record is gone:
		// unknown, never resent
		assertThat(resolved.single().outcome()).isEqualTo(expected);
		assertThat(resolved.stats().attempts()).isEqualTo(1);
		AuditReport report = audit();
		assertThat(report.balance()).isEqualByComparingTo(new BigDecimal(1100 + others));
		assertThat(report.customers().get("Alice").operations()).isEqualTo(others + 1);
		assertThat(report.conserved()).isTrue();
	}

	@Test
	void aStopBeforeALostReplyIsResolvedEndsUnknownNotFailed() throws Exception {
		StopSignal stop = new StopSignal();
		DepositAccount alice = new DepositAccount(this.zk.connectBehindProxy(), this.properties, "Alice", stop);
		Snapshot read = alice.read();

		CompletableFuture<CommitResult> lost = this.zk.proxy()
			.loseReplyOf(() -> alice.commit(Operation.deposit(new BigDecimal("100.00")), read));
		stop.stop();
		CommitResult result = this.zk.record(lost.get(30, TimeUnit.SECONDS));

		assertThat(result.single().outcome()).isEqualTo(Outcome.UNKNOWN);
		assertThat(result.single().reason()).contains("before a stop");
		assertThat(audit().balance()).isEqualByComparingTo("1100.00");
	}

	@Test
	void aLostReplyStillUnresolvedAfterTheOperationTimeoutEndsUnknownWithoutWaitingForAStop() throws Exception {
		DepositSettings quick = this.properties;
		this.properties = new DepositSettings(quick.deposit(),
				new RetryProperties(Duration.ofMillis(1), Duration.ofMillis(20), Duration.ofSeconds(2)), quick.auth());
		DepositAccount alice = behindProxy("Alice");
		Snapshot read = alice.read();
		this.zk.proxy().loseNextCommit(true);

		CommitResult result = this.zk
			.record(CompletableFuture.supplyAsync(() -> alice.commit(Operation.deposit(new BigDecimal("100.00")), read))
				.get(30, TimeUnit.SECONDS));

		assertThat(result.single().outcome()).isEqualTo(Outcome.UNKNOWN);
		assertThat(result.single().reason()).contains("bank.retry.operation-timeout");
		assertThat(audit().balance()).isEqualByComparingTo("1000");
	}

	@Test
	void aResendRefusedWhileALostWriteMayStillLandEndsUnknownNotFailed() throws Exception {
		DepositAccount alice = behindProxy("Alice");
		Snapshot read = alice.read();

		CompletableFuture<CommitResult> lost = this.zk.proxy()
			.loseRequestOf(() -> alice.commit(Operation.deposit(new BigDecimal("100.00")), read));
		this.zk.connect()
			.setACL()
			.withACL(List.of(new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE)))
			.forPath(this.properties.deposit().path());
		this.zk.proxy().heal();
		CommitResult result = this.zk.record(lost.get(30, TimeUnit.SECONDS));

		assertThat(result.single().outcome()).isEqualTo(Outcome.UNKNOWN);
		assertThat(result.single().reason()).contains("refused");
		assertThat(audit().balance()).isEqualByComparingTo("1000");
	}

	@Test
	void aLostReplyAcrossTheWrapOfTheVersionIsResolvedAsApplied() throws Exception {
		this.zk.connect().create().forPath(this.properties.deposit().path(), "1000".getBytes(StandardCharsets.UTF_8));
		this.zk.server().setVersion(this.properties.deposit().path(), Integer.MAX_VALUE);
		DepositAccount alice = behindProxy("Alice");
		Snapshot read = alice.read();
		this.zk.proxy().loseNextCommitReply(false);

		CommitResult result = this.zk
			.record(CompletableFuture.supplyAsync(() -> alice.commit(Operation.deposit(new BigDecimal("100.00")), read))
				.get(10, TimeUnit.SECONDS));

		assertThat(result.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(result.stats().ambiguous()).isTrue();
		AuditReport report = audit();
		assertThat(report.version()).isEqualTo(Integer.MIN_VALUE);
		assertThat(report.unexplainedWrites()).isZero();
		assertThat(report.conserved()).isTrue();
	}

	private AuditReport audit() {
		return new DepositAudit(this.zk.zkCli(), this.properties).report();
	}

	private DepositAccount behindProxy(String customer) throws InterruptedException {
		return this.zk.behindProxy(this.properties, customer);
	}

	private DepositAccount direct(String customer) throws InterruptedException {
		return this.zk.account(this.properties, customer);
	}

}
