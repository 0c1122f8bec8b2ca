package org.zkbank.account;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.zkbank.support.RealZooKeeper;
import org.zkbank.support.ZooKeeperProxy;
import org.zkbank.support.ZooKeeperTestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The line for turns ({@link TurnQueue}, used by {@link TurnTaking}) on a real in-process
 * server: a customer alone never waits and sends nothing but its commits; waiters get the
 * turn first come first served; one next in line that was cut off, with its place
 * lingering until its session expires, holds up the others for one lease, far less than
 * that session timeout.
 */
class TurnQueueTests {

	@RegisterExtension
	final RealZooKeeper zk = RealZooKeeper.perTest();

	private final DepositSettings bank = ZooKeeperTestClients.properties("/bank_deposit");

	private final AtomicBoolean streaming = new AtomicBoolean(true);

	/** Before the extension closes the sessions: a holder still streaming stops. */
	@AfterEach
	void stopStreaming() {
		this.streaming.set(false);
	}

	@Test
	void aCustomerAloneNeverWaitsAndSendsNothingButItsCommits() throws Exception {
		ZooKeeperProxy proxy = this.zk.proxy();
		DepositAccount alice = account("Alice", this.zk.connectBehindProxy());
		Snapshot last = alice.read();
		int before = proxy.requests();
		int commits = 5 * TurnTaking.TURN;

		List<CommitResult> results = new ArrayList<>();
		for (int i = 0; i < commits; i++) {
			CommitResult result = alice.commit(Operation.deposit(BigDecimal.ONE), last);
			results.add(result);
			last = result.snapshot();
		}
		// longer than its idle time: it finds nobody to hand the turn to
		Thread.sleep(200);

		assertThat(results).allSatisfy((result) -> {
			assertThat(result.single().outcome()).isEqualTo(Outcome.COMMITTED);
			assertThat(result.stats().attempts()).isOne();
			assertThat(result.stats().turnWait()).isZero();
		});
		// once, near the end of its first turn, it looked for a line: there is none, and
		// a watch on its creation would tell it of the first waiter
		assertThat(proxy.requests() - before).isEqualTo(commits + 2);
		assertThat(this.zk.zkCli().checkExists().forPath(this.bank.deposit().turnsPath())).isNull();
	}

	@Test
	void theTurnGoesToTheLongestWaiterFirstComeFirstServed() throws Exception {
		DepositAccount holder = account("Holder", this.zk.connect());
		List<DepositAccount> waiters = new ArrayList<>();
		List<CuratorFramework> sessions = new ArrayList<>();
		List<Snapshot> stale = new ArrayList<>();
		for (String name : List.of("First", "Second", "Third")) {
			CuratorFramework session = this.zk.connect();
			DepositAccount waiter = account(name, session);
			sessions.add(session);
			waiters.add(waiter);
			stale.add(waiter.read());
		}
		CompletableFuture<Void> holding = stream(holder);

		// each commits once from a snapshot the holder has made stale, loses the race and
		// takes a place in line; the next one starts once that place is there
		List<CompletableFuture<CommitResult>> commits = new ArrayList<>();
		for (int i = 0; i < waiters.size(); i++) {
			DepositAccount waiter = waiters.get(i);
			Snapshot basis = stale.get(i);
			long session = sessions.get(i).getZookeeperClient().getZooKeeper().getSessionId();
			CompletableFuture<CommitResult> commit = CompletableFuture
				.supplyAsync(() -> waiter.commit(Operation.deposit(BigDecimal.TEN), basis));
			commits.add(commit);
			await().atMost(Duration.ofSeconds(10))
				.pollInterval(Duration.ofMillis(1))
				.until(() -> placeOf(session) || commit.isDone());
		}

		List<CommitResult> results = new ArrayList<>();
		for (CompletableFuture<CommitResult> commit : commits) {
			results.add(commit.get(30, TimeUnit.SECONDS));
		}
		this.streaming.set(false);
		holding.get(30, TimeUnit.SECONDS);

		assertThat(results).allSatisfy((result) -> {
			assertThat(result.single().outcome()).isEqualTo(Outcome.COMMITTED);
			assertThat(result.stats().conflicts()).isPositive();
			assertThat(result.stats().turnWait()).isPositive();
		});
		assertThat(results).extracting(CommitResult::version).isSorted();
		System.out.printf("turns, first come first served: versions %s after waits of %s, conflicts %s%n",
				results.stream().map(CommitResult::version).toList(),
				results.stream().map((result) -> result.stats().turnWait().toMillis() + " ms").toList(),
				results.stream().map((result) -> result.stats().conflicts()).toList());
	}

	@Test
	void aFirstInLineCutOffWhileItWaitsHoldsUpTheOthersForLeasesNotItsSessionTimeout() throws Exception {
		int sessionTimeoutMs = 20_000;
		ZooKeeperProxy link = this.zk.proxy();
		ZooKeeperTestClients longSessions = this.zk.closeAfterTest(new ZooKeeperTestClients(sessionTimeoutMs));
		StopSignal victimStop = new StopSignal();
		CuratorFramework victimSession = longSessions.connect(link.connectString());
		DepositAccount victim = new DepositAccount(victimSession, this.bank, "Victim", victimStop);
		DepositAccount holder = account("Holder", this.zk.connect());
		DepositAccount other = account("Other", this.zk.connect());
		Snapshot victimBasis = victim.read();
		Snapshot otherBasis = other.read();
		holder.commit(Operation.deposit(BigDecimal.ONE), holder.read());
		// the holder is idle: it looked for somebody to hand the turn to, too early
		Thread.sleep(200);

		// the victim loses the race and waits first in line, nobody to hand it a turn
		CompletableFuture<CommitResult> victims = CompletableFuture
			.supplyAsync(() -> victim.commit(Operation.deposit(BigDecimal.TEN), victimBasis));
		long session = victimSession.getZookeeperClient().getZooKeeper().getSessionId();
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).until(() -> placeOf(session));
		// then it is cut off like a crashed process: its session, and its place, live on
		link.cut();
		long cut = System.nanoTime();
		CommitResult others = other.commit(Operation.deposit(BigDecimal.ONE), otherBasis);
		long waited = System.nanoTime() - cut;

		assertThat(others.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(others.stats().conflicts()).isOne();
		assertThat(placeOf(session)).as("the victim's place, taken out of the line").isFalse();
		assertThat(Duration.ofNanos(waited)).isLessThan(Duration.ofMillis(sessionTimeoutMs / 4));
		victimStop.stop();
		assertThat(victims.get(30, TimeUnit.SECONDS).single().outcome()).isEqualTo(Outcome.FAILED);
		assertThat(new DepositAudit(this.zk.zkCli(), this.bank).report().conserved()).isTrue();
		System.out.printf(
				"turns: with the first in line cut off (session timeout %d ms), the next committed after " + "%d ms%n",
				sessionTimeoutMs, TimeUnit.NANOSECONDS.toMillis(waited));
	}

	/**
	 * A customer committing without pause from its own snapshots, until the test ends;
	 * returns after its first turn's worth of commits.
	 */
	private CompletableFuture<Void> stream(DepositAccount holder) {
		Snapshot last = holder.read();
		for (int i = 0; i < TurnTaking.TURN; i++) {
			last = holder.commit(Operation.deposit(BigDecimal.ONE), last).snapshot();
		}
		Snapshot warm = last;
		return CompletableFuture.runAsync(() -> {
			Snapshot next = warm;
			while (this.streaming.get()) {
				next = holder.commit(Operation.deposit(BigDecimal.ONE), next).snapshot();
			}
		});
	}

	/** Whether the given session has a place in line. */
	private boolean placeOf(long session) throws Exception {
		String path = this.bank.deposit().turnsPath();
		if (this.zk.zkCli().checkExists().forPath(path) == null) {
			return false;
		}
		for (String place : this.zk.zkCli().getChildren().forPath(path)) {
			Stat stat = this.zk.zkCli().checkExists().forPath(path + "/" + place);
			if (stat != null && stat.getEphemeralOwner() == session) {
				return true;
			}
		}
		return false;
	}

	private DepositAccount account(String name, CuratorFramework client) {
		return new DepositAccount(client, this.bank, name, new StopSignal());
	}

}
