package org.zkbank.customer;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.zkbank.account.AuditReport;
import org.zkbank.account.CommitResult;
import org.zkbank.account.DepositAccount;
import org.zkbank.account.DepositAudit;
import org.zkbank.account.DepositSettings;
import org.zkbank.account.Operation;
import org.zkbank.account.Outcome;
import org.zkbank.account.StopSignal;
import org.zkbank.support.RealZooKeeper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Group commit with lost replies and lost requests, while another instance of the same
 * name and another name commit directly: every result is checked against the transaction
 * log.
 */
class AdversarialReviewGroupTests {

	@RegisterExtension
	final RealZooKeeper zk = RealZooKeeper.perTest();

	private final DepositSettings properties = RealZooKeeper.properties(Duration.ofSeconds(2));

	@Test
	void groupCommitsWithLostRepliesAndTwoInstancesOfOneNameAreExactlyOnce() throws Exception {
		List<CommitResult> history = Collections.synchronizedList(new ArrayList<>());
		StopSignal stop = new StopSignal();
		DepositAccount proxied = new DepositAccount(this.zk.connectBehindProxy(), this.properties, "Alice", stop);
		GroupCommit group = new GroupCommit(proxied, (results) -> {
		});
		List<Thread> threads = new ArrayList<>();
		for (int device = 0; device < 4; device++) {
			threads.add(new Thread(() -> {
				while (!stop.isStopped()) {
					try {
						var seen = proxied.read();
						history.add(group.commit(choose(seen.balance()), seen).commit());
					}
					catch (RuntimeException ex) {
						stop.pause(Duration.ofMillis(5));
					}
				}
			}, "alice-device-" + device));
		}
		for (String name : new String[] { "Alice", "Bob" }) {
			DepositAccount direct = new DepositAccount(this.zk.connect(), this.properties, name, stop);
			threads.add(new Thread(() -> {
				while (!stop.isStopped()) {
					try {
						var seen = direct.read();
						history.add(direct.commit(choose(seen.balance()), seen));
						stop.pause(Duration.ofMillis(2));
					}
					catch (RuntimeException ex) {
						stop.pause(Duration.ofMillis(5));
					}
				}
			}, "direct-" + name));
		}
		threads.forEach(Thread::start);
		long end = System.nanoTime() + Duration.ofSeconds(12).toNanos();
		int faults = 0;
		while (System.nanoTime() < end) {
			Thread.sleep(300);
			if (faults % 2 == 0) {
				this.zk.proxy().loseNextCommitReply(faults % 4 == 0);
			}
			else {
				this.zk.proxy().loseNextCommit(false);
			}
			faults++;
			Thread.sleep(100);
			this.zk.proxy().heal();
		}
		stop.stop();
		for (Thread thread : threads) {
			thread.join(15_000);
			assertThat(thread.isAlive()).as("%s still running after a stop", thread.getName()).isFalse();
		}
		AuditReport audit = new DepositAudit(this.zk.connect(), this.properties).report();
		long unknown = history.stream()
			.flatMap((commit) -> commit.operations().stream())
			.filter((result) -> result.outcome() == Outcome.UNKNOWN)
			.count();
		long ambiguous = history.stream().filter((result) -> result.stats().ambiguous()).count();
		System.out.println("results " + history.size() + ", ambiguous " + ambiguous + ", unknown " + unknown
				+ ", audit conserved " + audit.conserved() + " discrepancy " + audit.discrepancy());
		System.out.println(this.zk.oracle(this.properties).check(history, audit, 0));
		assertThat(audit.conserved()).isTrue();
	}

	private static Operation choose(BigDecimal balance) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		if (balance.compareTo(BigDecimal.ONE) > 0 && random.nextBoolean()) {
			return Operation.withdraw(new BigDecimal(random.nextInt(1, 100)).movePointLeft(2).add(BigDecimal.ONE));
		}
		return Operation.deposit(new BigDecimal(random.nextInt(1, 10_000)).movePointLeft(2));
	}

}
