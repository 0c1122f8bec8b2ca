package org.zkbank.account;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.zkbank.account.CommitResult.Outcome;
import org.zkbank.support.ZooKeeperProxy;
import org.zkbank.support.ZooKeeperTestClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Commits whose result is lost on the way back: a TCP proxy between the customer and a real
 * server cuts the connection right after the server applied the commit, or right before the
 * server could see it.
 */
class AmbiguousCommitTests {

	private final ZooKeeperTestClients clients = new ZooKeeperTestClients();

	private final BankProperties properties = ZooKeeperTestClients.properties("/bank_deposit");

	private TestingServer server;

	private ZooKeeperProxy proxy;

	private DepositAudit audit;

	@BeforeEach
	void setUp() throws Exception {
		this.server = new TestingServer(true);
		this.proxy = new ZooKeeperProxy(this.server.getPort());
		this.audit = new DepositAudit(this.clients.connect(this.server.getConnectString()), this.properties);
	}

	@AfterEach
	void tearDown() throws Exception {
		this.clients.close();
		this.proxy.close();
		this.server.close();
	}

	@Test
	void aCommitAppliedBeforeItsReplyWasLostIsCountedOnceAndNotAppliedAgain() throws Exception {
		DepositAccount alice = behindProxy("Alice");
		Snapshot read = alice.read();
		this.proxy.loseNextCommitReply(false);

		CommitResult result = alice.commit(Operation.deposit(new BigDecimal("100.00")), read);

		assertThat(this.proxy.awaitFault(Duration.ZERO)).isTrue();
		assertThat(result.outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(result.ambiguous()).isTrue();
		assertThat(result.attempts()).isEqualTo(1);
		assertThat(result.conflicts()).isZero();
		assertThat(result.balanceAfter()).isEqualByComparingTo("1100.00");
		AuditReport report = this.audit.report();
		assertThat(report.balance()).isEqualByComparingTo("1100.00");
		assertThat(report.customers().get("Alice").operations()).isEqualTo(1);
		assertThat(report.conserved()).isTrue();
	}

	@Test
	void aGroupCommitAppliedBeforeItsReplyWasLostEndsEachOperationOnceAsItsPlanSaid() throws Exception {
		DepositAccount alice = behindProxy("Alice");
		Snapshot read = alice.read();
		this.proxy.loseNextCommitReply(false);

		List<CommitResult> results = alice.commit(List.of(Operation.deposit(new BigDecimal("100.00")),
				Operation.withdraw(new BigDecimal("5000.00")), Operation.withdraw(new BigDecimal("1.00"))), read);

		assertThat(this.proxy.awaitFault(Duration.ZERO)).isTrue();
		assertThat(results).extracting(CommitResult::outcome)
			.containsExactly(Outcome.COMMITTED, Outcome.REJECTED, Outcome.COMMITTED);
		assertThat(results).allSatisfy((result) -> {
			assertThat(result.ambiguous()).isTrue();
			assertThat(result.attempts()).isEqualTo(1);
		});
		AuditReport report = this.audit.report();
		assertThat(report.balance()).isEqualByComparingTo("1099.00");
		assertThat(report.version()).isEqualTo(read.version() + 1);
		assertThat(report.customers().get("Alice").operations()).isEqualTo(2);
		assertThat(report.conserved()).isTrue();
	}

	@Test
	void aCommitLostBeforeTheServerSawItIsAppliedOnceByItsRetry() throws Exception {
		DepositAccount alice = behindProxy("Alice");
		Snapshot read = alice.read();
		this.proxy.loseNextCommit(false);

		CommitResult result = alice.commit(Operation.withdraw(new BigDecimal("40.00")), read);

		assertThat(this.proxy.awaitFault(Duration.ZERO)).isTrue();
		assertThat(result.outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(result.ambiguous()).isTrue();
		assertThat(result.attempts()).isEqualTo(2);
		AuditReport report = this.audit.report();
		assertThat(report.balance()).isEqualByComparingTo("960.00");
		assertThat(report.customers().get("Alice").operations()).isEqualTo(1);
		assertThat(report.conserved()).isTrue();
	}

	@Test
	void anotherInstanceOfTheSameCustomerCommittingMeanwhileDoesNotHideOrRepeatTheLostCommit() throws Exception {
		DepositAccount first = behindProxy("Alice");
		DepositAccount second = new DepositAccount(this.clients.connect(this.server.getConnectString()),
				this.properties, "Alice", new StopSignal());
		Snapshot read = first.read();
		this.proxy.loseNextCommitReply(true);

		CompletableFuture<CommitResult> lost = CompletableFuture
			.supplyAsync(() -> first.commit(Operation.deposit(new BigDecimal("100.00")), read));
		assertThat(this.proxy.awaitFault(Duration.ofSeconds(10))).isTrue();
		CommitResult meanwhile = second.commit(Operation.deposit(new BigDecimal("50.00")), second.read());
		this.proxy.heal();
		CommitResult resolved = lost.get(30, TimeUnit.SECONDS);

		assertThat(meanwhile.outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(meanwhile.balanceBefore()).isEqualByComparingTo("1100.00");
		assertThat(resolved.outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(resolved.ambiguous()).isTrue();
		assertThat(resolved.attempts()).isEqualTo(1);
		AuditReport report = this.audit.report();
		assertThat(report.balance()).isEqualByComparingTo("1150.00");
		assertThat(report.customers().get("Alice").operations()).isEqualTo(2);
		assertThat(report.customers().get("Alice").deposited()).isEqualByComparingTo("150.00");
		assertThat(report.conserved()).isTrue();
	}

	@Test
	void aLostCommitThatNeverLandedStaysUnappliedWhenAnotherInstanceMovesTheBalanceOn() throws Exception {
		DepositAccount first = behindProxy("Alice");
		DepositAccount second = new DepositAccount(this.clients.connect(this.server.getConnectString()),
				this.properties, "Alice", new StopSignal());
		Snapshot read = first.read();
		this.proxy.loseNextCommit(true);

		CompletableFuture<CommitResult> lost = CompletableFuture
			.supplyAsync(() -> first.commit(Operation.withdraw(new BigDecimal("700.00")), read));
		assertThat(this.proxy.awaitFault(Duration.ofSeconds(10))).isTrue();
		second.commit(Operation.withdraw(new BigDecimal("500.00")), second.read());
		this.proxy.heal();
		CommitResult resolved = lost.get(30, TimeUnit.SECONDS);

		assertThat(resolved.outcome()).isEqualTo(Outcome.REJECTED);
		assertThat(resolved.ambiguous()).isTrue();
		AuditReport report = this.audit.report();
		assertThat(report.balance()).isEqualByComparingTo("500.00");
		assertThat(report.customers().get("Alice").operations()).isEqualTo(1);
		assertThat(report.conserved()).isTrue();
	}

	private DepositAccount behindProxy(String customer) throws InterruptedException {
		return new DepositAccount(this.clients.connect(this.proxy.connectString()), this.properties, customer,
				new StopSignal());
	}

}
