package org.zkbank.account;

import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.zkbank.support.RealZooKeeper;
import org.zkbank.support.ZooKeeperTestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Adversarial review of the line for turns: every wait for a turn ends, promptly on a
 * stop, within the deadline otherwise, whatever is done to the line.
 */
class AdversarialReviewTurnsTests {

	@RegisterExtension
	final RealZooKeeper zk = RealZooKeeper.perTest();

	private final DepositSettings bank = ZooKeeperTestClients.properties("/bank_deposit");

	private final String line = this.bank.deposit().turnsPath();

	private CuratorFramework zkCli;

	@BeforeEach
	void setUp() {
		this.zkCli = this.zk.zkCli();
	}

	private TurnQueue queue(String instance, StopSignal stop) throws Exception {
		return new TurnQueue(new DepositNodes(this.zk.connect(), this.bank), instance, stop);
	}

	/** A foreign, persistent place at the front that nobody will ever hand over. */
	private void foreignFront(boolean undeletable) throws Exception {
		this.zkCli.create().creatingParentsIfNeeded().forPath(this.line + "/foreign-0000000000");
		if (undeletable) {
			this.zkCli.create().forPath(this.line + "/foreign-0000000000/child");
		}
	}

	private static long elapsedMillis(long since) {
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
	}

	@Test
	void aStopEndsAWaitForATurnPromptly() throws Exception {
		foreignFront(false);
		StopSignal stop = new StopSignal();
		TurnQueue me = queue("me", stop);
		assertThat(me.join()).isTrue();
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		CompletableFuture<TurnQueue.Turn> wait = CompletableFuture
			.supplyAsync(() -> me.awaitTurn(Duration.ofSeconds(60), deadline));
		Thread.sleep(500);
		assertThat(wait).isNotDone();
		long stopped = System.nanoTime();
		stop.stop();
		TurnQueue.Turn turn = wait.get(5, TimeUnit.SECONDS);
		System.out.println("ADV stop: " + turn + " after " + elapsedMillis(stopped) + " ms");
		assertThat(turn).isEqualTo(TurnQueue.Turn.ENDED);
		assertThat(elapsedMillis(stopped)).isLessThan(1000);
	}

	@Test
	void aStopSignalKeepsNoQueueAliveOnceItsWaitEnded() throws Exception {
		foreignFront(false);
		StopSignal stop = new StopSignal();
		TurnQueue me = queue("me", stop);
		me.join();
		me.awaitTurn(Duration.ofSeconds(60), System.nanoTime() + Duration.ofMillis(100).toNanos());
		me.leave();
		// its watch on the place ahead fires: the client keeps no watcher of it either
		this.zkCli.delete().forPath(this.line + "/foreign-0000000000");
		WeakReference<TurnQueue> dropped = new WeakReference<>(me);
		me = null;
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			System.gc();
			return dropped.get() == null;
		});
	}

	@Test
	void theDeadlineEndsAWaitBehindAForeignPlace() throws Exception {
		foreignFront(true);
		TurnQueue me = queue("me", new StopSignal());
		me.join();
		long began = System.nanoTime();
		TurnQueue.Turn turn = me.awaitTurn(Duration.ofSeconds(60), began + Duration.ofMillis(700).toNanos());
		System.out.println("ADV deadline: " + turn + " after " + elapsedMillis(began) + " ms");
		assertThat(turn).isEqualTo(TurnQueue.Turn.ENDED);
		assertThat(elapsedMillis(began)).isLessThan(2000);
	}

	@Test
	void deleteAllOfTheLineEndsTheWait() throws Exception {
		foreignFront(false);
		TurnQueue me = queue("me", new StopSignal());
		me.join();
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		CompletableFuture<TurnQueue.Turn> wait = CompletableFuture
			.supplyAsync(() -> me.awaitTurn(Duration.ofSeconds(60), deadline));
		Thread.sleep(500);
		long deleted = System.nanoTime();
		this.zkCli.delete().deletingChildrenIfNeeded().forPath(this.line);
		TurnQueue.Turn turn = wait.get(10, TimeUnit.SECONDS);
		System.out.println("ADV deleteall: " + turn + " after " + elapsedMillis(deleted) + " ms");
		assertThat(elapsedMillis(deleted)).isLessThan(2000);
		// and it can wait in line again: the line is made anew
		me.leave();
		assertThat(me.join()).isTrue();
		assertThat(this.zkCli.getChildren().forPath(this.line)).hasSize(1);
	}

	@Test
	void anUndeletableForeignFrontCostsTwoLeasesEachTimeNotForever() throws Exception {
		foreignFront(true);
		TurnQueue me = queue("me", new StopSignal());
		for (int round = 0; round < 3; round++) {
			assertThat(me.join()).isTrue();
			long began = System.nanoTime();
			TurnQueue.Turn turn = me.awaitTurn(Duration.ofMillis(200), began + Duration.ofSeconds(30).toNanos());
			System.out.println(
					"ADV undeletable front, round " + round + ": " + turn + " after " + elapsedMillis(began) + " ms");
			assertThat(turn).isEqualTo(TurnQueue.Turn.LEASE_OVER);
			assertThat(elapsedMillis(began)).isLessThan(3000);
			me.leave();
		}
	}

	@Test
	void aLineWithDataAndForeignOrCorruptChildrenIsOnlyAdvice() throws Exception {
		this.zkCli.create().forPath(this.line, "not a line".getBytes(StandardCharsets.UTF_8));
		for (String name : List.of("garbage", "x-abc", "-0000000001", "y-", "z--2147483648x")) {
			this.zkCli.create().forPath(this.line + "/" + name);
		}
		TurnQueue me = queue("me", new StopSignal());
		assertThat(me.join()).isTrue();
		long began = System.nanoTime();
		TurnQueue.Turn turn = me.awaitTurn(Duration.ofMillis(300), began + Duration.ofSeconds(30).toNanos());
		System.out.println("ADV corrupt children: " + turn + " after " + elapsedMillis(began) + " ms, line "
				+ this.zkCli.getChildren().forPath(this.line));
		assertThat(turn).isEqualTo(TurnQueue.Turn.LEASE_OVER);
		assertThat(elapsedMillis(began)).isLessThan(3000);
		assertThat(new String(this.zkCli.getData().forPath(this.line), StandardCharsets.UTF_8)).isEqualTo("not a line");
	}

	@Test
	void aLineThatCannotBeJoinedOrReadDoesNotHoldAnybody() throws Exception {
		// read only: no place can be taken
		this.zkCli.create()
			.withACL(List.of(new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE)))
			.forPath(this.line);
		TurnQueue me = queue("me", new StopSignal());
		assertThat(me.join()).isFalse();
		long began = System.nanoTime();
		assertThat(me.awaitTurn(Duration.ofSeconds(60), began + Duration.ofSeconds(60).toNanos()))
			.isEqualTo(TurnQueue.Turn.GIVEN);
		assertThat(elapsedMillis(began)).isLessThan(500);
		// create only: a place is taken, the line cannot be read
		this.zkCli.delete().forPath(this.line);
		this.zkCli.create()
			.withACL(List.of(new ACL(ZooDefs.Perms.CREATE, ZooDefs.Ids.ANYONE_ID_UNSAFE)))
			.forPath(this.line);
		TurnQueue other = queue("other", new StopSignal());
		boolean joined = other.join();
		began = System.nanoTime();
		TurnQueue.Turn turn = other.awaitTurn(Duration.ofSeconds(60), began + Duration.ofSeconds(60).toNanos());
		System.out
			.println("ADV create-only line: joined " + joined + ", " + turn + " after " + elapsedMillis(began) + " ms");
		assertThat(elapsedMillis(began)).isLessThan(500);
		other.leave();
	}

	@Test
	void aSessionExpiredWhileWaitingEndsOrRenewsTheWait() throws Exception {
		foreignFront(true);
		CuratorFramework session = this.zk.connect();
		TurnQueue me = new TurnQueue(new DepositNodes(session, this.bank), "me", new StopSignal());
		me.join();
		long began = System.nanoTime();
		CompletableFuture<TurnQueue.Turn> wait = CompletableFuture
			.supplyAsync(() -> me.awaitTurn(Duration.ofMillis(500), began + Duration.ofSeconds(30).toNanos()));
		Thread.sleep(300);
		session.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
		TurnQueue.Turn turn = wait.get(30, TimeUnit.SECONDS);
		System.out.println("ADV session expired: " + turn + " after " + elapsedMillis(began) + " ms");
		assertThat(elapsedMillis(began)).isLessThan(5000);
	}

	@Test
	void anIdleTimerActionThatThrowsDoesNotStopTheSharedTimer() throws Exception {
		AtomicInteger thrown = new AtomicInteger();
		IdleTimer failing = new IdleTimer(() -> {
			thrown.incrementAndGet();
			throw new IllegalStateException("boom");
		}, () -> TimeUnit.MILLISECONDS.toNanos(20));
		failing.busy();
		failing.idle(true);
		Thread.sleep(200);
		assertThat(thrown).hasValue(1);
		// the failing instance can commit (busy does not hang) and arm again
		CompletableFuture<Void> busy = CompletableFuture.runAsync(failing::busy);
		busy.get(1, TimeUnit.SECONDS);
		failing.idle(true);
		Thread.sleep(200);
		assertThat(thrown).hasValue(2);
		// another instance's timer still runs
		CountDownLatch ran = new CountDownLatch(1);
		IdleTimer other = new IdleTimer(() -> {
			ran.countDown();
			return false;
		}, () -> TimeUnit.MILLISECONDS.toNanos(20));
		other.busy();
		other.idle(true);
		assertThat(ran.await(2, TimeUnit.SECONDS)).isTrue();
	}

}
