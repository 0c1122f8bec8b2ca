package org.zkbank.account;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import org.zkbank.support.RealZooKeeper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a commit's one {@link CommitResult} holds when it did not simply commit: the
 * version and snapshot a rejected, failed or unknown commit hands on (the customer's log
 * line prints the version and the live page plots it), and the problem or warning it
 * leaves. Real in-process ZooKeeper, behind a proxy that loses replies; no mocks.
 */
@ExtendWith(OutputCaptureExtension.class)
class CommitResultTests {

	@RegisterExtension
	final RealZooKeeper zk = RealZooKeeper.perTest();

	/**
	 * A commit that wrote nothing (every operation rejected) keeps the balance version of
	 * its basis, the basis itself as the snapshot to go on with, and made no attempt; a
	 * commit that wrote has the version it wrote and a snapshot at it.
	 */
	@Test
	void aRejectedCommitKeepsItsBasisVersionAndSnapshot() throws Exception {
		DepositSettings settings = RealZooKeeper.properties(Duration.ofSeconds(2));
		DepositAccount alice = this.zk.account(settings, "Alice");
		Snapshot read = alice.read();
		CommitResult deposit = this.zk.record(alice.commit(Operation.deposit(new BigDecimal("1.00")), read));
		assertThat(deposit.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(deposit.version()).isEqualTo(read.version() + 1);
		assertThat(deposit.snapshot().version()).isEqualTo(deposit.version());

		Snapshot basis = deposit.snapshot();
		CommitResult rejected = this.zk.record(alice.commit(Operation.withdraw(new BigDecimal("5000.00")), basis));
		assertThat(rejected.single().outcome()).isEqualTo(Outcome.REJECTED);
		assertThat(rejected.version()).isEqualTo(basis.version());
		assertThat(rejected.snapshot()).isSameAs(basis);
		assertThat(rejected.stats().attempts()).isZero();
		assertThat(rejected.stats().conflicts()).isZero();
		assertThat(rejected.single().balanceBefore()).isEqualByComparingTo("1001.00");
		assertThat(rejected.single().balanceAfter()).isEqualByComparingTo("1001.00");
		this.zk.verify(settings);
	}

	/**
	 * A commit whose retry read meets a corrupt balance ends FAILED with no version (-1),
	 * no snapshot and no balance, the account's problem says CORRUPT_BALANCE, and the
	 * corrupt value is not overwritten.
	 */
	@Test
	void aCommitThatMeetsACorruptBalanceFailsWithNoVersionAndTheProblemShows() throws Exception {
		DepositSettings settings = RealZooKeeper.properties(Duration.ofSeconds(2));
		DepositAccount alice = this.zk.account(settings, "Alice");
		Snapshot stale = alice.read();
		this.zk.zkCli().setData().forPath("/bank_deposit", "abc".getBytes(StandardCharsets.UTF_8));

		CommitResult failed = alice.commit(Operation.deposit(new BigDecimal("10.00")), stale);

		assertThat(failed.single().outcome()).isEqualTo(Outcome.FAILED);
		assertThat(failed.version()).isEqualTo(-1);
		assertThat(failed.snapshot()).isNull();
		assertThat(failed.single().balanceBefore()).isNull();
		assertThat(failed.stats().attempts()).isEqualTo(1);
		assertThat(failed.stats().conflicts()).isEqualTo(1);
		assertThat(failed.stats().ambiguous()).isFalse();
		assertThat(alice.problem()).isNotNull();
		assertThat(alice.problem().problem()).isEqualTo(DepositException.Problem.CORRUPT_BALANCE);
		assertThat(new String(this.zk.zkCli().getData().forPath("/bank_deposit"), StandardCharsets.UTF_8))
			.isEqualTo("abc");
	}

	/**
	 * The reply of an applied write is lost and ZooKeeper stays out of reach past the
	 * operation timeout. The commit ends UNKNOWN (never FAILED: it was applied) with no
	 * version, no snapshot, ambiguous; the warning about the lost reply is logged by
	 * {@link Commit}, not by {@link DepositAccount}. The deposit is conserved and the
	 * next commit works.
	 */
	@Test
	void anAppliedCommitWhoseReplyIsLostPastTheTimeoutEndsUnknownWithNoVersion(CapturedOutput output) throws Exception {
		DepositSettings settings = RealZooKeeper.properties(Duration.ofSeconds(1));
		DepositAccount alice = this.zk.behindProxy(settings, "Alice");
		Snapshot read = alice.read();
		int from = output.getAll().length();
		this.zk.proxy().loseNextCommitReply(true);
		CompletableFuture<CommitResult> lost = CompletableFuture
			.supplyAsync(() -> alice.commit(Operation.deposit(new BigDecimal("100.00")), read));
		assertThat(this.zk.proxy().awaitFault(Duration.ofSeconds(10))).isTrue();
		CommitResult unknown = this.zk.record(lost.get(60, TimeUnit.SECONDS));
		List<String> logged = output.getAll().substring(from).lines().toList();
		this.zk.proxy().heal();

		assertThat(unknown.single().outcome()).as(unknown.single().reason()).isEqualTo(Outcome.UNKNOWN);
		assertThat(unknown.version()).isEqualTo(-1);
		assertThat(unknown.snapshot()).isNull();
		assertThat(unknown.stats().ambiguous()).isTrue();
		assertThat(unknown.stats().attempts()).isEqualTo(1);
		// the console pattern (Spring Boot's base.xml) names loggers in full: the Commit
		// line proves it, so that no DepositAccount line means none was logged
		assertThat(logged).as("warnings while the commit ran")
			.anyMatch((line) -> line.contains(" WARN ") && line.contains(Commit.class.getName() + " ")
					&& line.contains("the result of [deposit 100.00] at version " + read.version() + " was lost"))
			.noneMatch((line) -> line.contains(DepositAccount.class.getName() + " "));
		CommitResult next = this.zk.record(alice.commit(Operation.deposit(new BigDecimal("1.00")), null));
		assertThat(next.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(next.single().balanceBefore()).as("the unknown one was applied").isEqualByComparingTo("1100.00");
		this.zk.verify(settings);
	}

}
