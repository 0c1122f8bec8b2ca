package org.zkbank.account;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.zkbank.account.Outcome;
import org.zkbank.support.RealZooKeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The breaks a second adversarial round found in the fixes of the first (marker,
 * firstCommit, entryTamperedSince, the audit in parts), each failing before its fix, and
 * the attacks that held. Real in-process ZooKeeper server, no mocks.
 */
class AdversarialReviewRound2Tests {

	@RegisterExtension
	final RealZooKeeper zk = RealZooKeeper.perTest();

	private final DepositSettings properties = RealZooKeeper.properties(Duration.ofSeconds(3));

	// ----------------------------------------------------------------
	// entryTamperedSince: delete, then another instance recreates

	/**
	 * A commit of instance 1 of Alice is applied but its reply is lost. Someone deletes
	 * Alice's audit entry, and instance 2 of Alice (another process, same name) then
	 * commits: it creates a fresh entry at commits 1. entryTamperedSince only looks at
	 * the root's cversion when the entry is missing, and otherwise compares commits (1
	 * &lt; 1 is false): not tampered. The fate check finds no record of instance 1 and
	 * evictedThrough 0, says NOT_APPLIED, and the same deposit is sent and applied a
	 * second time.
	 */
	@Test
	void aLostReplyWhoseEntryWasDeletedAndRecreatedByAnotherInstanceIsNotAppliedTwice() throws Exception {
		DepositAccount first = behindProxy("Alice");
		// entry at commits 1
		first.commit(Operation.deposit(new BigDecimal("1.00")), first.read());
		Snapshot read = first.read();
		CompletableFuture<CommitResult> lost = this.zk.proxy()
			.loseReplyOf(() -> first.commit(Operation.deposit(new BigDecimal("100.00")), read));
		this.zk.zkCli().delete().deletingChildrenIfNeeded().forPath("/bank_deposit_audit/Alice");
		DepositAccount second = account("Alice");
		CommitResult other = second.commit(Operation.deposit(new BigDecimal("1.00")), null);
		this.zk.proxy().heal();

		CommitResult result = lost.get(30, TimeUnit.SECONDS);

		System.out.println("other " + other.single().outcome());
		assertThat(other.single().outcome()).isEqualTo(Outcome.COMMITTED);
		this.zk.assertNotAppliedTwice(this.properties, result, "1102.00");
	}

	/**
	 * The same when the lost commit was the name's first (it created the entry):
	 * then.commits is 0.
	 */
	@Test
	void aLostFirstCommitWhoseEntryWasDeletedAndRecreatedByAnotherInstanceIsNotAppliedTwice() throws Exception {
		DepositAccount first = behindProxy("Alice");
		Snapshot read = first.read();
		CompletableFuture<CommitResult> lost = this.zk.proxy()
			.loseReplyOf(() -> first.commit(Operation.deposit(new BigDecimal("100.00")), read));
		this.zk.zkCli().delete().deletingChildrenIfNeeded().forPath("/bank_deposit_audit/Alice");
		CommitResult other = account("Alice").commit(Operation.deposit(new BigDecimal("1.00")), null);
		this.zk.proxy().heal();

		CommitResult result = lost.get(30, TimeUnit.SECONDS);

		System.out.println("other " + other.single().outcome());
		this.zk.assertNotAppliedTwice(this.properties, result, "1101.00");
	}

	// ---------------------------------------------------------------- the marker

	/**
	 * The marker is an empty node anyone can create. Someone replaces the balance node
	 * and, as zkCli makes easy, creates /bank_deposit/audited under it too: every
	 * customer writes to the replaced deposit.
	 */
	@Test
	void aReplacedDepositWithAMarkerCreatedBySomeoneElseIsNeverWrittenTo() throws Exception {
		DepositAccount alice = account("Alice");
		alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read());
		this.zk.zkCli().delete().deletingChildrenIfNeeded().forPath("/bank_deposit");
		this.zk.zkCli().create().forPath("/bank_deposit", bytes("5000"));
		this.zk.zkCli().create().forPath("/bank_deposit/audited");

		CommitResult result = alice.commit(Operation.deposit(new BigDecimal("100.00")), null);

		String balance = text(this.zk.zkCli().getData().forPath("/bank_deposit"));
		System.out.println("commit " + result.single().outcome() + " (" + result.single().reason()
				+ "); replaced balance now " + balance);
		assertThat(balance).as("a replaced deposit must never be written to (commit was %s)", result.single().outcome())
			.isEqualTo("5000");
	}

	/**
	 * Someone writes the marker (zkCli set /bank_deposit/audited x): it is at version 1.
	 * Reads do not look at its version; every commit's check(marker, 0) fails as
	 * BadVersion, taken for a lost race: the customer retries until the operation timeout
	 * and ends FAILED "gave up after N attempts", while problem() stays null. The foreign
	 * write is never reported.
	 */
	@Test
	void aMarkerWrittenBySomeoneElseIsReportedNotRetriedAsARace() throws Exception {
		DepositAccount alice = account("Alice");
		alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read());
		this.zk.zkCli().setData().forPath("/bank_deposit/audited", bytes("x"));

		long start = System.nanoTime();
		CommitResult result = alice.commit(Operation.deposit(new BigDecimal("100.00")), null);
		long millis = (System.nanoTime() - start) / 1_000_000;
		Throwable read = catchThrowable(alice::read);

		System.out.println("commit " + result.single().outcome() + " after " + millis + " ms, attempts "
				+ result.stats().attempts() + ", conflicts " + result.stats().conflicts() + " ("
				+ result.single().reason() + "); problem " + alice.problem() + "; read threw " + read);
		assertThat(result.single().outcome()).isNotEqualTo(Outcome.COMMITTED);
		assertThat(read)
			.as("a marker someone else wrote must be reported by the read, not met as %d conflicts (reason: %s)",
					result.stats().conflicts(), result.single().reason())
			.isInstanceOf(DepositException.class);
	}

	// ---------------------------------------------------------------- oversized bytes in
	// bank nodes

	/**
	 * Any bytes in a bank node: a 600 kB value in the balance node and another in Alice's
	 * entry (each well within ZooKeeper's node limit). The customer's read is one
	 * multiRead of both, whose reply passes the client's 1 MB packet limit: the client
	 * drops its session's connection, and the read reports "ZooKeeper is not reachable"
	 * for ever instead of a corrupt balance, disconnecting every other user of that
	 * session each time.
	 */
	@Test
	void oversizedNodesAreReportedCorruptAndDoNotDisconnectTheSession() throws Exception {
		CuratorFramework shared = this.zk.connect();
		DepositAccount alice = new DepositAccount(shared, this.properties, "Alice", new StopSignal());
		alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read());
		byte[] big = new byte[600_000];
		java.util.Arrays.fill(big, (byte) '7');
		this.zk.zkCli().setData().forPath("/bank_deposit", big);
		this.zk.zkCli().setData().forPath("/bank_deposit_audit/Alice", big);
		AtomicInteger lost = new AtomicInteger();
		shared.getConnectionStateListenable().addListener((client, state) -> {
			if (!state.isConnected()) {
				lost.incrementAndGet();
			}
		});

		Throwable thrown = catchThrowable(alice::read);
		Thread.sleep(500);

		System.out.println("read threw " + thrown + "; connection losses " + lost.get());
		assertThat(thrown).isInstanceOf(DepositException.class);
		assertThat(((DepositException) thrown).problem())
			.as("bytes in the bank's nodes must be reported as such, not as an unreachable ZooKeeper: %s", thrown)
			.isNotEqualTo(DepositException.Problem.ZOOKEEPER_UNAVAILABLE);
		assertThat(lost.get()).as("a read must not disconnect the session").isZero();
	}

	// ---------------------------------------------------------------- version -1

	/**
	 * An audit entry at version -1 (left there by someone else) whose data agrees with
	 * that version (commits - firstCommit = 4294967295, the unsigned reading of -1). The
	 * read checks the balance and the root for -1, not the entry; AuditCodec accepts it,
	 * and the commit sends setData(entry, -1): unconditional. A write of the entry by
	 * someone else between the read and the commit is overwritten.
	 */
	@Test
	void anAuditEntryAtVersionMinusOneIsNeverWrittenUnconditionally() throws Exception {
		DepositAccount alice = account("Alice");
		alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read());
		String entry = text(this.zk.zkCli().getData().forPath("/bank_deposit_audit/Alice"));
		String crafted = entry.replaceAll("\"commits\":1\\b", "\"commits\":4294967296")
			.replaceAll("\"operations\":1\\b", "\"operations\":4294967296");
		this.zk.server().setData("/bank_deposit_audit/Alice", bytes(crafted), -1);
		Throwable readProblem = catchThrowable(alice::read);
		Snapshot read = (readProblem == null) ? alice.read() : null;
		// now version 0
		this.zk.zkCli().setData().forPath("/bank_deposit_audit/Alice", bytes("kept by the operator"));

		CommitResult result = alice.commit(Operation.deposit(new BigDecimal("100.00")), read);

		String after = text(this.zk.zkCli().getData().forPath("/bank_deposit_audit/Alice"));
		System.out.println("crafted " + crafted + "; read threw " + readProblem + "; commit "
				+ result.single().outcome() + " (" + result.single().reason() + "); entry now " + after);
		assertThat(after)
			.as("the entry was at version -1: the commit (%s) must not write it unconditionally over someone else's write",
					result.single().outcome())
			.isEqualTo("kept by the operator");
	}

	/**
	 * The audit root is written only at a rollover, at its own version. At -2 (any
	 * version of a node) the rollover writes it there, which leaves it at -1: the bank
	 * itself puts a node at -1, and from then on reports it as something "only someone
	 * else can leave" and stops.
	 */
	@Test
	void aRolloverDoesNotLeaveTheAuditRootAtVersionMinusOne() throws Exception {
		DepositAccount alice = account("Alice");
		alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read());
		this.zk.server().setVersion("/bank_deposit", -2);
		this.zk.server().setVersion("/bank_deposit_audit", -2);

		CommitResult rollover = alice.commit(Operation.deposit(new BigDecimal("1.00")), null);

		int rootVersion = this.zk.zkCli().checkExists().forPath("/bank_deposit_audit").getVersion();
		Throwable next = catchThrowable(alice::read);
		System.out.println("rollover " + rollover.single().outcome() + " (" + rollover.single().reason()
				+ "); root version " + rootVersion + "; next read threw " + next);
		assertThat(rootVersion)
			.as("the bank's own rollover (%s) left the audit root at version -1; next read: %s",
					rollover.single().outcome(), next)
			.isNotEqualTo(-1);
	}

	// ---------------------------------------------------------------- the audit

	/**
	 * An audit root the audit may not read (its ACL changed): the audit says the audit
	 * "has not started: no customer has read it yet" (DEPOSIT_MISSING), though it has,
	 * and ZooKeeper refused the read.
	 */
	@Test
	void anUnreadableAuditRootIsReportedAsRefusedByTheAudit() throws Exception {
		DepositAccount alice = account("Alice");
		alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read());
		this.zk.zkCli()
			.setACL()
			.withACL(java.util.List.of(new org.apache.zookeeper.data.ACL(org.apache.zookeeper.ZooDefs.Perms.ALL,
					new org.apache.zookeeper.data.Id("digest",
							org.apache.zookeeper.server.auth.DigestAuthenticationProvider
								.generateDigest("operator:secret")))))
			.forPath("/bank_deposit_audit");

		Throwable thrown = catchThrowable(() -> new DepositAudit(this.zk.zkCli(), this.properties).report());

		System.out.println("audit threw " + thrown);
		assertThat(thrown).isInstanceOf(DepositException.class);
		assertThat(((DepositException) thrown).problem())
			.as("ZooKeeper refused the read (NOAUTH); the audit says: %s", thrown.getMessage())
			.isEqualTo(DepositException.Problem.REFUSED);
	}

	/**
	 * 250 names (two parts) audited again and again while three customers commit: each
	 * report is conserved.
	 */
	@Test
	void theAuditInPartsIsConsistentWhileCustomersCommit() throws Exception {
		CuratorFramework direct = this.zk.connect();
		for (int name = 0; name < 250; name++) {
			new DepositAccount(direct, this.properties, "N" + name, new StopSignal())
				.commit(Operation.deposit(new BigDecimal("1.00")), null);
		}
		StopSignal stop = new StopSignal();
		java.util.List<Thread> threads = new java.util.ArrayList<>();
		for (String name : new String[] { "N0", "N120", "N249" }) {
			DepositAccount account = account(name);
			Thread t = new Thread(() -> {
				while (!stop.isStopped()) {
					account.commit(Operation.deposit(new BigDecimal("0.01")), null);
				}
			});
			threads.add(t);
			t.start();
		}
		int audits = 0;
		int moving = 0;
		try {
			long end = System.nanoTime() + Duration.ofSeconds(8).toNanos();
			while (System.nanoTime() < end) {
				try {
					AuditReport report = new DepositAudit(direct, this.properties).report();
					audits++;
					assertThat(report.conserved()).as("audit %d: %s", audits, report.discrepancy()).isTrue();
				}
				catch (DepositException ex) {
					moving++;
				}
			}
		}
		finally {
			stop.stop();
			for (Thread t : threads) {
				t.join(10_000);
			}
		}
		System.out.println("audits " + audits + ", given up while moving " + moving);
		assertThat(audits).isPositive();
	}

	// ---------------------------------------------------------------- the operator's
	// procedures in the README

	/**
	 * The README's repair of a replaced deposit: "put the audited deposit back (its
	 * value, and the empty child audited)". The node put back is at version 0, but the
	 * audit root still counts the writes of the old node from its version: every audit
	 * from then on has negative unexplained writes and is not conserved, for ever,
	 * although every commit was audited.
	 */
	@Test
	void theReadmeRepairOfAReplacedDepositStartsAConservedAudit() throws Exception {
		DepositAccount alice = account("Alice");
		for (int i = 0; i < 3; i++) {
			alice.commit(Operation.deposit(new BigDecimal("1.00")), null);
		}
		// replaced by someone
		this.zk.zkCli().delete().deletingChildrenIfNeeded().forPath("/bank_deposit");
		this.zk.zkCli().create().forPath("/bank_deposit", bytes("5000"));
		assertThat(catchThrowable(alice::read)).isInstanceOf(DepositException.class);
		// the operator accepts the node as a new deposit: deleteall /bank_deposit_audit,
		// customers restarted
		this.zk.zkCli().delete().deletingChildrenIfNeeded().forPath("/bank_deposit_audit");
		DepositAccount restarted = account("Alice");
		CommitResult after = restarted.commit(Operation.deposit(new BigDecimal("1.00")), null);

		AuditReport report = new DepositAudit(this.zk.zkCli(), this.properties).report();

		assertThat(after.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(report.openingBalance()).isEqualByComparingTo("5000");
		assertThat(report.conserved()).as(report.toString()).isTrue();
	}

	/**
	 * The README's new audit ("deleteall /bank_deposit_audit, start them") on a deposit
	 * whose marker is still there: the first read cannot create the marker (NodeExists,
	 * swallowed), and every read ends REFUSED "could not be started in 10 tries", for
	 * ever, without saying why.
	 */
	@Test
	void aNewAuditOnADepositThatStillHasItsMarkerStartsOrSaysWhy() throws Exception {
		DepositAccount alice = account("Alice");
		alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read());
		this.zk.zkCli().delete().deletingChildrenIfNeeded().forPath("/bank_deposit_audit");

		Throwable thrown = catchThrowable(alice::read);

		System.out.println("read after deleteall of the audit threw " + thrown);
		assertThat(thrown).as("a new audit must start, or the read must say what stops it: %s", thrown).isNull();
	}

	// ---------------------------------------------------------------- lost replies
	// around a rollover

	/**
	 * A rollover whose reply is lost, then another instance of the name commits on the
	 * new node.
	 */
	@Test
	void aLostRolloverReplyIsSettledOnce() throws Exception {
		lostRollover(true);
	}

	/**
	 * A rollover that never reached the server, then another instance of the name rolls
	 * over itself.
	 */
	@Test
	void aLostRolloverRequestIsSentAgainOnTheNewNodeOnce() throws Exception {
		lostRollover(false);
	}

	private void lostRollover(boolean applied) throws Exception {
		DepositAccount first = behindProxy("Alice");
		first.commit(Operation.deposit(new BigDecimal("1.00")), first.read());
		this.zk.server().setVersion("/bank_deposit", -2);
		settledOnceWhileAnotherInstanceCommits(first, first.read(), applied);
	}

	/**
	 * From {@code read}, Alice's deposit of 100.00 is lost on the way (applied: its
	 * reply; otherwise its request) while another instance of Alice deposits 1.00. Both
	 * are settled once: the other committed, the lost one committed with both in the
	 * balance or unknown with the balance either way. What the test set by hand (a
	 * version, a crafted entry) is writes no commit made, so of the audit only the money
	 * is compared.
	 */
	private void settledOnceWhileAnotherInstanceCommits(DepositAccount first, Snapshot read, boolean applied)
			throws Exception {
		Supplier<CommitResult> deposit = () -> first.commit(Operation.deposit(new BigDecimal("100.00")), read);
		CompletableFuture<CommitResult> lost = applied ? this.zk.proxy().loseReplyOf(deposit)
				: this.zk.proxy().loseRequestOf(deposit);
		CommitResult other = account("Alice").commit(Operation.deposit(new BigDecimal("1.00")), null);
		this.zk.proxy().heal();

		CommitResult result = lost.get(30, TimeUnit.SECONDS);

		String balance = text(this.zk.zkCli().getData().forPath("/bank_deposit"));
		AuditReport report = new DepositAudit(this.zk.zkCli(), this.properties).report();
		System.out.println("other " + other.single().outcome() + "; lost " + result.single().outcome() + " ("
				+ result.single().reason() + ") attempts " + result.stats().attempts() + "; balance " + balance
				+ "; audit " + report);
		assertThat(other.single().outcome()).isEqualTo(Outcome.COMMITTED);
		if (result.single().outcome() == Outcome.COMMITTED) {
			assertThat(new BigDecimal(balance)).isEqualByComparingTo("1102.00");
		}
		else {
			assertThat(result.single().outcome()).isEqualTo(Outcome.UNKNOWN);
			assertThat(new BigDecimal(balance)).isIn(new BigDecimal("1002.00"), new BigDecimal("1102.00"));
		}
		assertThat(report.discrepancy()).isEqualByComparingTo(BigDecimal.ZERO);
	}

	// ---------------------------------------------------------------- a replaced audit
	// entry

	/**
	 * The entry's identity is not checked, only its version. Someone deletes Alice's
	 * entry and creates it again with other data (at version 0, as the bank's own fresh
	 * entry is): the next commit, from the snapshot the last one returned, writes over
	 * it.
	 */
	@Test
	void anAuditEntryReplacedBetweenTwoCommitsIsNeverWrittenTo() throws Exception {
		DepositAccount alice = account("Alice");
		// entry at 0
		CommitResult first = alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read());
		assertAReplacedEntryIsNeverWrittenTo(alice, first.snapshot());
	}

	/** The same from a read: the entry is replaced between the read and the commit. */
	@Test
	void anAuditEntryReplacedBetweenAReadAndItsCommitIsNeverWrittenTo() throws Exception {
		DepositAccount alice = account("Alice");
		alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read());
		assertAReplacedEntryIsNeverWrittenTo(alice, alice.read());
	}

	/**
	 * Replaces Alice's entry as an operator would, then commits from the given snapshot:
	 * the entry must keep the operator's data.
	 */
	private void assertAReplacedEntryIsNeverWrittenTo(DepositAccount alice, Snapshot basis) throws Exception {
		this.zk.zkCli().delete().deletingChildrenIfNeeded().forPath("/bank_deposit_audit/Alice");
		this.zk.zkCli().create().forPath("/bank_deposit_audit/Alice", bytes("kept by the operator"));

		CommitResult second = alice.commit(Operation.deposit(new BigDecimal("100.00")), basis);

		String entry = text(this.zk.zkCli().getData().forPath("/bank_deposit_audit/Alice"));
		System.out
			.println("second " + second.single().outcome() + " (" + second.single().reason() + "); entry now " + entry);
		assertThat(entry)
			.as("a replaced audit entry must be reported, never written over (commit was %s)",
					second.single().outcome())
			.isEqualTo("kept by the operator");
	}

	// ---------------------------------------------------------------- waits scaled by
	// foreign children

	/**
	 * Waits grow with the number of children of the audit root (one step per 8), whatever
	 * they are. 40,000 empty children created by someone else (not valid entries; the
	 * audit reports them) make scale 5,000: one lost race then pauses the commit for 4 x
	 * 5,000 round trips, with no bound by the operation timeout (3 s here).
	 */
	@Test
	void foreignChildrenOfTheAuditRootDoNotStretchACommitFarPastItsTimeout() throws Exception {
		DepositAccount alice = account("Alice");
		DepositAccount bob = account("Bob");
		alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read());
		bob.commit(Operation.deposit(new BigDecimal("1.00")), bob.read());
		CuratorFramework direct = this.zk.connect();
		for (int part = 0; part < 40; part++) {
			java.util.List<org.apache.zookeeper.Op> creates = new java.util.ArrayList<>();
			for (int i = 0; i < 1000; i++) {
				creates.add(org.apache.zookeeper.Op.create("/bank_deposit_audit/x" + part + "_" + i, new byte[0],
						org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE, org.apache.zookeeper.CreateMode.PERSISTENT));
			}
			direct.getZookeeperClient().getZooKeeper().multi(creates);
		}
		for (int i = 0; i < 20; i++) {
			alice.read(); // learn the round trip and the scale
		}
		Snapshot stale = alice.read();
		// alice loses the race once
		bob.commit(Operation.deposit(new BigDecimal("1.00")), null);

		long start = System.nanoTime();
		CommitResult result = alice.commit(Operation.deposit(new BigDecimal("1.00")), stale);
		long millis = (System.nanoTime() - start) / 1_000_000;

		System.out.println("commit " + result.single().outcome() + " after " + millis + " ms, attempts "
				+ result.stats().attempts() + ", conflicts " + result.stats().conflicts() + " ("
				+ result.single().reason() + ")");
		assertThat(millis)
			.as("one lost race made a commit with a 3 s operation timeout take %d ms (%s)", millis,
					result.single().outcome())
			.isLessThan(6_000);
	}

	// ---------------------------------------------------------------- lost replies
	// around an entry rollover

	@Test
	void aLostEntryRolloverReplyIsSettledOnce() throws Exception {
		lostEntryRollover(true);
	}

	@Test
	void aLostEntryRolloverRequestIsSentAgainOnce() throws Exception {
		lostEntryRollover(false);
	}

	private void lostEntryRollover(boolean applied) throws Exception {
		DepositAccount first = behindProxy("Alice");
		first.commit(Operation.deposit(new BigDecimal("1.00")), first.read());
		String entry = text(this.zk.zkCli().getData().forPath("/bank_deposit_audit/Alice"));
		String crafted = entry.replaceAll("\"commits\":1\\b", "\"commits\":4294967295")
			.replaceAll("\"operations\":1\\b", "\"operations\":4294967295");
		this.zk.server().setData("/bank_deposit_audit/Alice", bytes(crafted), -2);
		settledOnceWhileAnotherInstanceCommits(first, first.read(), applied);
		System.out.println("entry " + text(this.zk.zkCli().getData().forPath("/bank_deposit_audit/Alice")));
	}

	// ---------------------------------------------------------------- the same version
	// on the node after a rollover

	/**
	 * A commit checks versions only (the marker at 0, the balance, the entry). A snapshot
	 * of the node before a rollover whose version the new node reaches again (here a
	 * version jump by someone else stands for the 2^32 writes) passes every check: the
	 * stale balance is written and another customer's committed deposits vanish from it.
	 */
	@Test
	void aSnapshotFromBeforeARolloverIsNotWrittenOnTheNewNode() throws Exception {
		DepositAccount alice = account("Alice");
		// balance 1001.00 at version 1
		alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read());
		Snapshot stale = alice.read();
		DepositAccount bob = account("Bob");
		this.zk.server().setVersion("/bank_deposit", -2);
		// new node, version 0
		CommitResult rollover = bob.commit(Operation.deposit(new BigDecimal("7.00")), null);
		// version 1
		CommitResult again = bob.commit(Operation.deposit(new BigDecimal("7.00")), null);

		CommitResult result = alice.commit(Operation.deposit(new BigDecimal("100.00")), stale);

		String balance = text(this.zk.zkCli().getData().forPath("/bank_deposit"));
		AuditReport report = new DepositAudit(this.zk.zkCli(), this.properties).report();
		System.out.println("bob " + rollover.single().outcome() + ", " + again.single().outcome() + "; alice "
				+ result.single().outcome() + " attempts " + result.stats().attempts() + "; balance " + balance
				+ "; discrepancy " + report.discrepancy());
		assertThat(new BigDecimal(balance))
			.as("1001.00 + 7.00 + 7.00 + 100.00; alice's commit (%s, %d attempts) wrote its stale balance",
					result.single().outcome(), result.stats().attempts())
			.isEqualByComparingTo("1115.00");
	}

	// ---------------------------------------------------------------- helpers

	private DepositAccount account(String customer) throws InterruptedException {
		return this.zk.account(this.properties, customer);
	}

	private DepositAccount behindProxy(String customer) throws InterruptedException {
		return this.zk.behindProxy(this.properties, customer);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String text(byte[] data) {
		return new String(data, StandardCharsets.UTF_8);
	}

}
