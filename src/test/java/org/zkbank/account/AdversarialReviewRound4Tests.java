package org.zkbank.account;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.zkbank.account.Outcome;
import org.zkbank.support.RealZooKeeper;
import org.zkbank.support.TransactionLogOracle;
import org.zkbank.support.ZooKeeperTestClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fourth adversarial round, on the core promises: no break of them was found. One
 * weakness was: a commit starting from the snapshot a rollover of its own entry returned
 * met stale root figures and ended UNKNOWN although the entry could settle it; a commit
 * that recreates a node now returns no snapshot, so the next one reads. (Another
 * customer's entry rollover, once per 2^32 commits of a name, can still turn a settleable
 * lost reply UNKNOWN.) Real in-process ZooKeeper server, no mocks; histories are checked
 * against the transaction log by {@link TransactionLogOracle}, except where a test set an
 * entry's data in the DataTree, which the log does not hold; there the audit's
 * discrepancy is checked.
 */
class AdversarialReviewRound4Tests {

	@RegisterExtension
	final RealZooKeeper zk = RealZooKeeper.perTest();

	private final DepositSettings properties = RealZooKeeper.properties(Duration.ofSeconds(3));

	/**
	 * Alice's entry reaches version -2 and her next commit recreates it (delete + create
	 * under the audit root: the root's cversion grows by 2, its child count stays). That
	 * commit returns the snapshot {@code written(...)} builds, which keeps the root
	 * figures of its basis, from before the delete and create. The next commit from that
	 * snapshot is applied and its reply lost: entryTamperedSince sees one deletion since
	 * the (stale) basis root, allows none (the basis entry is at 0, not -2), and ends the
	 * commit UNKNOWN, "someone else deleted or rolled back the audit entry", although
	 * nobody but Alice's own commit touched it, nothing was stopped and the timeout had
	 * not passed: the entry says plainly it was applied.
	 */
	@Test
	void aLostReplyRightAfterAnEntryRolloverIsSettledAsCommitted() throws Exception {
		DepositAccount alice = behindProxy("Alice");
		this.zk.record(alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read()));
		entryAtVersionMinusTwo("Alice");
		CommitResult rolled = this.zk.record(alice.commit(Operation.deposit(new BigDecimal("2.00")), alice.read()));
		assertThat(rolled.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(rolled.snapshot()).as("after recreating the entry, the customer reads again").isNull();

		CompletableFuture<CommitResult> lost = this.zk.proxy()
			.loseReplyOf(() -> alice.commit(Operation.deposit(new BigDecimal("4.00")), null));
		this.zk.proxy().heal();
		CommitResult result = this.zk.record(lost.get(30, TimeUnit.SECONDS));

		String balance = new String(this.zk.zkCli().getData().forPath("/bank_deposit"), StandardCharsets.UTF_8);
		System.out.println(
				"lost one " + result.single().outcome() + " (" + result.single().reason() + "), balance " + balance);
		verifyBalanceOnly();
		assertThat(new BigDecimal(balance)).isEqualByComparingTo("1007.00");
		assertThat(result.single().outcome())
			.as("applied once, nobody else touched the entry, no stop and no timeout: the entry settles it "
					+ "(reason given: %s)", result.single().reason())
			.isEqualTo(Outcome.COMMITTED);
	}

	/**
	 * Control for the above: the same lost reply from a freshly read snapshot (whose root
	 * figures are current) is settled as committed.
	 */
	@Test
	void aLostReplyAfterAnEntryRolloverFromAFreshReadIsSettledAsCommitted() throws Exception {
		DepositAccount alice = behindProxy("Alice");
		this.zk.record(alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read()));
		entryAtVersionMinusTwo("Alice");
		this.zk.record(alice.commit(Operation.deposit(new BigDecimal("2.00")), alice.read()));

		Snapshot fresh = alice.read();
		CompletableFuture<CommitResult> lost = this.zk.proxy()
			.loseReplyOf(() -> alice.commit(Operation.deposit(new BigDecimal("4.00")), fresh));
		this.zk.proxy().heal();
		CommitResult result = this.zk.record(lost.get(30, TimeUnit.SECONDS));

		verifyBalanceOnly();
		assertThat(result.single().outcome()).as(String.valueOf(result.single().reason())).isEqualTo(Outcome.COMMITTED);
	}

	/**
	 * A group of a withdrawal that does not fit and a deposit; the reply of its only
	 * write is lost after it was applied. Resolved: the deposit committed once, the
	 * withdrawal rejected.
	 */
	@Test
	void aLostReplyOfAGroupWithARejectedOperationIsSettledPerOperation() throws Exception {
		lostGroupIsSettledPerOperation(true, "5000.00", () -> {
		}, "1005.00");
	}

	/**
	 * A group whose write is lost on the way (never applied); meanwhile Bob takes the
	 * balance down so that the group's withdrawal no longer fits. The group is planned
	 * again: withdrawal rejected, deposit committed, once.
	 */
	@Test
	void aLostRequestOfAGroupReplannedAfterAnotherCommitIsAppliedOnce() throws Exception {
		DepositAccount bob = account("Bob");
		lostGroupIsSettledPerOperation(false, "600.00",
				() -> this.zk.record(bob.commit(Operation.withdraw(new BigDecimal("500.00")), bob.read())), "505.00");
	}

	/**
	 * Alice commits a group of a withdrawal and a deposit of 5.00, and loses its reply
	 * (applied) or its request; meanwhile runs before she is back. The group ends with
	 * the withdrawal rejected and the deposit committed, once, and the balance as given.
	 */
	private void lostGroupIsSettledPerOperation(boolean applied, String withdrawal, Runnable meanwhile, String balance)
			throws Exception {
		DepositAccount alice = behindProxy("Alice");
		Snapshot read = alice.read();
		Supplier<CommitResult> group = () -> alice.commit(
				List.of(Operation.withdraw(new BigDecimal(withdrawal)), Operation.deposit(new BigDecimal("5.00"))),
				read);
		CompletableFuture<CommitResult> lost = applied ? this.zk.proxy().loseReplyOf(group)
				: this.zk.proxy().loseRequestOf(group);
		meanwhile.run();
		this.zk.proxy().heal();
		CommitResult commit = lost.get(30, TimeUnit.SECONDS);
		this.zk.record(commit);

		this.zk.verify(this.properties);
		assertThat(commit.operations()).extracting(OperationResult::outcome)
			.containsExactly(Outcome.REJECTED, Outcome.COMMITTED);
		assertThat(new String(this.zk.zkCli().getData().forPath("/bank_deposit"), StandardCharsets.UTF_8))
			.isEqualTo(balance);
	}

	/**
	 * Two instances of Alice read the same snapshot; the first one's commit is applied
	 * and its reply lost, the second one's first attempt then conflicts and it commits
	 * from a fresh read, and a third write (Bob) follows before the first instance is
	 * back. Each ends committed, once, and the log agrees.
	 */
	@Test
	void twoInstancesOfOneNameWithALostReplyBetweenThemCommitEachOnce() throws Exception {
		DepositAccount first = behindProxy("Alice");
		DepositAccount second = account("Alice");
		DepositAccount bob = account("Bob");
		Snapshot read = first.read();
		Snapshot same = second.read();
		CompletableFuture<CommitResult> lost = this.zk.proxy()
			.loseReplyOf(() -> first.commit(Operation.deposit(new BigDecimal("10.00")), read));
		CommitResult other = this.zk.record(second.commit(Operation.withdraw(new BigDecimal("1000.00")), same));
		this.zk.record(bob.commit(Operation.deposit(new BigDecimal("3.00")), bob.read()));
		this.zk.proxy().heal();
		CommitResult result = this.zk.record(lost.get(30, TimeUnit.SECONDS));

		this.zk.verify(this.properties);
		System.out.println("first " + result.single().outcome() + " (" + result.single().reason() + "); second "
				+ other.single().outcome() + " attempts " + other.stats().attempts());
		assertThat(result.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(other.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(other.stats().conflicts()).as("its first attempt met the lost commit").isEqualTo(1);
		assertThat(new String(this.zk.zkCli().getData().forPath("/bank_deposit"), StandardCharsets.UTF_8))
			.isEqualTo("13.00");
	}

	/**
	 * Random rounds: Alice (a new instance each round, on one session behind the proxy)
	 * commits a group of random operations while Bob commits without pause on his own
	 * session; each round may lose Alice's next commit or its reply (the connection then
	 * reconnects at once) and may stop her at a random moment. The history must pass the
	 * transaction log oracle.
	 */
	@Test
	void randomLossesAndStopsAgainstABusyOtherCustomerPassTheOracle() throws Exception {
		CuratorFramework aliceSession = this.zk.connectBehindProxy();
		DepositAccount bob = account("Bob");
		java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
		java.util.Random random = new java.util.Random(4);
		CompletableFuture<Void> bobs = CompletableFuture.runAsync(() -> {
			java.util.Random mine = new java.util.Random(7);
			while (running.get()) {
				Operation operation = mine.nextBoolean() ? Operation.deposit(new BigDecimal(mine.nextInt(300) + 1))
						: Operation.withdraw(new BigDecimal(mine.nextInt(600) + 1));
				this.zk.record(bob.commit(operation, null));
			}
		});
		java.util.Map<Outcome, Integer> seen = new java.util.EnumMap<>(Outcome.class);
		for (int round = 0; round < 12; round++) {
			StopSignal stop = new StopSignal();
			DepositAccount alice = new DepositAccount(aliceSession, this.properties, "Alice", stop);
			switch (random.nextInt(3)) {
				case 0 -> this.zk.proxy().loseNextCommit(false);
				case 1 -> this.zk.proxy().loseNextCommitReply(false);
				default -> {
				}
			}
			List<Operation> group = new ArrayList<>();
			for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
				group.add(random.nextBoolean() ? Operation.deposit(new BigDecimal(random.nextInt(300) + 1))
						: Operation.withdraw(new BigDecimal(random.nextInt(900) + 1)));
			}
			Snapshot basis = random.nextBoolean() ? null : readQuietly(alice);
			CompletableFuture<CommitResult> commit = CompletableFuture.supplyAsync(() -> alice.commit(group, basis));
			if (random.nextBoolean()) {
				Thread.sleep(random.nextInt(40));
				stop.stop();
			}
			CommitResult result = commit.get(30, TimeUnit.SECONDS);
			this.zk.record(result);
			result.operations().forEach((r) -> seen.merge(r.outcome(), 1, Integer::sum));
			this.zk.proxy().heal();
		}
		running.set(false);
		bobs.get(30, TimeUnit.SECONDS);
		Thread.sleep(200);
		System.out.println("alice outcomes " + seen);
		this.zk.verify(this.properties);
	}

	private static Snapshot readQuietly(DepositAccount account) {
		try {
			return account.read();
		}
		catch (DepositException ex) {
			return null;
		}
	}

	/**
	 * A partition holds Alice's commit in the proxy until her session expires at the
	 * server; then the partition heals and the held request is forwarded on the old
	 * connection. The commit resolves on a new session: applied once at most, and its
	 * outcome says which.
	 */
	@Test
	void aCommitHeldInAPartitionUntilTheSessionExpiresIsAppliedAtMostOnceAndHonestly() throws Exception {
		try (ZooKeeperTestClients shortSessions = new ZooKeeperTestClients(2000)) {
			DepositAccount alice = new DepositAccount(shortSessions.connect(this.zk.proxy().connectString()),
					this.properties, "Alice", new StopSignal());
			Snapshot read = alice.read();
			this.zk.proxy().stall();
			CompletableFuture<CommitResult> held = CompletableFuture
				.supplyAsync(() -> alice.commit(Operation.deposit(new BigDecimal("50.00")), read));
			Thread.sleep(2600);
			this.zk.proxy().heal();
			CommitResult result = this.zk.record(held.get(30, TimeUnit.SECONDS));
			Thread.sleep(500);
			String balance = new String(this.zk.zkCli().getData().forPath("/bank_deposit"), StandardCharsets.UTF_8);
			System.out.println("held one " + result.single().outcome() + " (" + result.single().reason() + ") attempts "
					+ result.stats().attempts() + ", balance " + balance);
			this.zk.verify(this.properties);
			if (result.single().outcome() == Outcome.COMMITTED) {
				assertThat(balance).isEqualTo("1050.00");
			}
			else if (result.single().outcome() == Outcome.FAILED) {
				assertThat(balance).isEqualTo("1000.00");
			}
		}
	}

	/**
	 * The balance is at version -2 (as zkCli left it, before the audit), so Alice's
	 * commit is a rollover; it is applied, its reply lost, and Bob commits on the
	 * recreated node before Alice is back; then the same with the request lost instead,
	 * so that Bob makes the rollover.
	 */
	@Test
	void aLostRolloverIsSettledOnceWhetherItOrAnotherCustomersRolloverLanded() throws Exception {
		this.zk.zkCli().create().forPath("/bank_deposit", "1000".getBytes(StandardCharsets.UTF_8));
		this.zk.server().setVersion("/bank_deposit", -2);
		DepositAccount alice = behindProxy("Alice");
		DepositAccount bob = account("Bob");
		Snapshot read = alice.read();
		CompletableFuture<CommitResult> lost = this.zk.proxy()
			.loseReplyOf(() -> alice.commit(Operation.deposit(new BigDecimal("100.00")), read));
		this.zk.record(bob.commit(Operation.deposit(new BigDecimal("1.00")), bob.read()));
		this.zk.proxy().heal();
		CommitResult applied = this.zk.record(lost.get(30, TimeUnit.SECONDS));

		this.zk.server().setVersion("/bank_deposit", -2);
		Snapshot again = alice.read();
		CompletableFuture<CommitResult> dropped = this.zk.proxy()
			.loseRequestOf(() -> alice.commit(Operation.withdraw(new BigDecimal("1101.00")), again));
		this.zk.record(bob.commit(Operation.withdraw(new BigDecimal("1.00")), bob.read()));
		this.zk.proxy().heal();
		CommitResult notApplied = this.zk.record(dropped.get(30, TimeUnit.SECONDS));

		String balance = new String(this.zk.zkCli().getData().forPath("/bank_deposit"), StandardCharsets.UTF_8);
		System.out.println("applied " + applied.single().outcome() + " (" + applied.single().reason() + "); dropped "
				+ notApplied.single().outcome() + " (" + notApplied.single().reason() + "), balance " + balance);
		AuditReport report = new DepositAudit(this.zk.zkCli(), this.properties).report();
		System.out.println(report);
		assertThat(applied.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(notApplied.single().outcome()).isEqualTo(Outcome.REJECTED);
		assertThat(balance).isEqualTo("1100.00");
		assertThat(report.discrepancy()).isZero();
	}

	/**
	 * Sets a customer's entry, after one commit, to what 2^32 - 1 commits would leave: at
	 * version -2.
	 */
	private void entryAtVersionMinusTwo(String customer) throws Exception {
		String entry = this.properties.deposit().auditPath() + "/" + customer;
		long commits = 1 + Integer.toUnsignedLong(-2);
		String totals = new String(this.zk.zkCli().getData().forPath(entry), StandardCharsets.UTF_8)
			.replace("\"operations\":1,\"commits\":1", "\"operations\":%d,\"commits\":%d".formatted(commits, commits));
		this.zk.server().setData(entry, totals.getBytes(StandardCharsets.UTF_8), -2);
	}

	/**
	 * The balance as the audit expects it: a test that set an entry's data in the
	 * DataTree cannot use the log.
	 */
	private void verifyBalanceOnly() {
		AuditReport report = new DepositAudit(this.zk.zkCli(), this.properties).report();
		assertThat(report.discrepancy()).as(report.toString()).isZero();
	}

	private DepositAccount account(String customer) throws InterruptedException {
		return this.zk.account(this.properties, customer);
	}

	private DepositAccount behindProxy(String customer) throws InterruptedException {
		return this.zk.behindProxy(this.properties, customer);
	}

}
