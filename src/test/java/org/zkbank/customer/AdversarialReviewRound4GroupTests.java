package org.zkbank.customer;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.zkbank.account.AuditReport;
import org.zkbank.account.CommitResult;
import org.zkbank.account.DepositAccount;
import org.zkbank.account.DepositAudit;
import org.zkbank.account.DepositSettings;
import org.zkbank.account.Operation;
import org.zkbank.account.OperationResult;
import org.zkbank.account.Outcome;
import org.zkbank.account.Snapshot;
import org.zkbank.account.StopSignal;
import org.zkbank.support.RealZooKeeper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fourth adversarial round, group commits: four devices of Alice share commits through
 * one GroupCommit behind a proxy that loses commits and replies at random, with stale or
 * fresh bases, while Bob commits without pause; Alice is stopped mid-flight at the end.
 * The history must pass the transaction log oracle.
 */
class AdversarialReviewRound4GroupTests {

	@RegisterExtension
	final RealZooKeeper zk = RealZooKeeper.perTest();

	private final DepositSettings properties = RealZooKeeper.properties(Duration.ofSeconds(2));

	private final List<CommitResult> history = Collections.synchronizedList(new ArrayList<>());

	@Test
	void groupCommitsWithRandomLossesStaleBasesAndAStopMidFlightPassTheOracle() throws Exception {
		StopSignal stop = new StopSignal();
		DepositAccount alice = new DepositAccount(this.zk.connectBehindProxy(), this.properties, "Alice", stop);
		GroupCommit group = new GroupCommit(alice, this.history::add);
		DepositAccount bob = this.zk.account(this.properties, "Bob");
		AtomicBoolean running = new AtomicBoolean(true);
		CompletableFuture<Void> bobs = CompletableFuture.runAsync(() -> {
			Random mine = new Random(11);
			Snapshot last = null;
			while (running.get()) {
				Operation operation = mine.nextBoolean() ? Operation.deposit(new BigDecimal(mine.nextInt(300) + 1))
						: Operation.withdraw(new BigDecimal(mine.nextInt(600) + 1));
				// its own last snapshot: Bob takes turns
				CommitResult result = bob.commit(operation, last);
				this.history.add(result);
				last = result.snapshot();
			}
		});
		CompletableFuture<Void> faults = CompletableFuture.runAsync(() -> {
			Random mine = new Random(13);
			while (running.get()) {
				try {
					Thread.sleep(150 + mine.nextInt(300));
				}
				catch (InterruptedException ex) {
					return;
				}
				this.zk.proxy().loseNextCommitOrItsReply(mine);
			}
		});
		List<CompletableFuture<Void>> devices = new ArrayList<>();
		for (int d = 0; d < 4; d++) {
			int seed = d;
			devices.add(CompletableFuture.runAsync(() -> {
				Random mine = new Random(100 + seed);
				Snapshot stale = null;
				for (int i = 0; i < 40 && !stop.isStopped(); i++) {
					Snapshot basis = null;
					try {
						basis = switch (mine.nextInt(3)) {
							case 0 -> alice.read();
							case 1 -> stale;
							default -> null;
						};
						if (stale == null || mine.nextInt(5) == 0) {
							stale = alice.read();
						}
					}
					catch (RuntimeException ex) {
						// unavailable for a moment: commit without a basis
					}
					Operation operation = mine.nextBoolean() ? Operation.deposit(new BigDecimal(mine.nextInt(300) + 1))
							: Operation.withdraw(new BigDecimal(mine.nextInt(900) + 1));
					group.commit(operation, basis);
				}
			}));
		}
		Thread.sleep(6000);
		stop.stop();
		for (CompletableFuture<Void> device : devices) {
			device.get(60, TimeUnit.SECONDS);
		}
		running.set(false);
		bobs.get(30, TimeUnit.SECONDS);
		faults.get(30, TimeUnit.SECONDS);
		Thread.sleep(300);

		AuditReport report = new DepositAudit(this.zk.zkCli(), this.properties).report();
		System.out.println(report);
		System.out.println(this.history.stream()
			.flatMap((commit) -> commit.operations().stream())
			.collect(java.util.stream.Collectors.groupingBy(OperationResult::outcome,
					java.util.stream.Collectors.counting())));
		this.history.stream()
			.filter((commit) -> commit.operations().get(0).outcome() == Outcome.FAILED
					|| commit.operations().get(0).outcome() == Outcome.UNKNOWN)
			.forEach((commit) -> System.out
				.println(commit.operations().get(0).outcome() + " attempts " + commit.stats().attempts() + " conflicts "
						+ commit.stats().conflicts() + ": " + commit.operations().get(0).reason()));
		assertThat(report.unexplainedWrites()).isZero();
		assertThat(report.conserved()).as(report.toString()).isTrue();
		System.out.println(this.zk.oracle(this.properties).check(this.history, report, 0));
	}

}
