package org.zkbank.account;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.zkbank.account.Outcome;
import org.zkbank.support.RealZooKeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The breaks a second adversarial review found in the commit protocol and the audit, each
 * shown by a test that failed before its fix; each test's comment says how the code broke
 * then. (The breaks at version -1 are in {@link VersionWrapTests}.) Real in-process
 * ZooKeeper server, no mocks.
 */
class AdversarialReviewTests {

	@RegisterExtension
	final RealZooKeeper zk = RealZooKeeper.perTest();

	/**
	 * A short operation timeout, so that commits that cannot settle end within the test.
	 */
	private final DepositSettings properties = RealZooKeeper.properties(Duration.ofSeconds(3));

	/**
	 * A deposit path whose parent does not exist (deleted, or never made): the customer's
	 * read tries to start the audit, gets NoNode, which is swallowed, and reads again for
	 * ever, with no pause and no look at the stop signal.
	 */
	@Test
	void aDepositWhoseParentIsMissingIsReportedAndTheReadEndsOnAStop() throws Exception {
		DepositSettings nested = new DepositSettings(
				new DepositProperties("/branch/bank_deposit", new BigDecimal("1000")), this.properties.retry(),
				this.properties.auth());
		StopSignal stop = new StopSignal();
		DepositAccount alice = new DepositAccount(this.zk.connect(), nested, "Alice", stop);
		assertReadEnds(alice, stop);
	}

	private static void assertReadEnds(DepositAccount account, StopSignal stop) throws InterruptedException {
		AtomicReference<Object> outcome = new AtomicReference<>();
		Thread reader = new Thread(() -> {
			try {
				outcome.set(account.read());
			}
			catch (RuntimeException ex) {
				outcome.set(ex);
			}
		}, "adversary-reader");
		reader.start();
		reader.join(5_000);
		boolean aliveAfter5s = reader.isAlive();
		stop.stop();
		reader.join(2_000);
		boolean aliveAfterStop = reader.isAlive();
		reader.interrupt(); // clean up: an interrupt ends the spin
		reader.join(5_000);
		System.out
			.println("alive after 5 s " + aliveAfter5s + ", after stop " + aliveAfterStop + ", then " + outcome.get());
		assertThat(aliveAfter5s || aliveAfterStop)
			.as("read() must end (report a problem), not spin; alive after 5 s: %s, alive 2 s after a stop: %s",
					aliveAfter5s, aliveAfterStop)
			.isFalse();
		assertThat(outcome.get()).as("a reported problem").isInstanceOf(DepositException.class);
	}

	// ---------------------------------------------------------------- ACLs: a node the
	// customer cannot read

	/**
	 * An audit root the customer may not read (its ACL changed by an operator) reads as
	 * missing: the customer tries to start the audit, gets NodeExists, which is
	 * swallowed, and reads again, for ever, with no pause and no look at the stop signal.
	 */
	@Test
	void anUnreadableAuditRootIsReportedAndTheReadEndsOnAStop() throws Exception {
		StopSignal stop = new StopSignal();
		DepositAccount alice = new DepositAccount(this.zk.connect(), this.properties, "Alice", stop);
		alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read());
		this.zk.zkCli().setACL().withACL(onlySomeoneElse()).forPath("/bank_deposit_audit");

		assertReadEnds(alice, stop);
	}

	/**
	 * A commit applied before its reply was lost, whose audit entry then cannot be read
	 * (its ACL changed): the entry reads as absent, the fate check says NOT_APPLIED, and
	 * the commit ends FAILED ("certainly not applied") although it was applied.
	 */
	@Test
	void aLostReplyWhoseEntryBecameUnreadableIsNotReportedFailed() throws Exception {
		DepositAccount alice = behindProxy("Alice");
		// the entry exists
		alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read());
		Snapshot read = alice.read();
		CompletableFuture<CommitResult> lost = this.zk.proxy()
			.loseReplyOf(() -> alice.commit(Operation.deposit(new BigDecimal("100.00")), read));
		this.zk.zkCli().setACL().withACL(onlySomeoneElse()).forPath("/bank_deposit_audit/Alice");
		this.zk.proxy().heal();

		CommitResult result = lost.get(30, TimeUnit.SECONDS);

		String balance = text(this.zk.zkCli().getData().forPath("/bank_deposit"));
		System.out
			.println("result " + result.single().outcome() + " (" + result.single().reason() + "), balance " + balance);
		assertThat(balance).as("the lost write was applied").isEqualTo("1101.00");
		assertThat(result.single().outcome())
			.as("the write was applied, so the outcome must be COMMITTED or UNKNOWN, never FAILED; reason: %s",
					result.single().reason())
			.isIn(Outcome.COMMITTED, Outcome.UNKNOWN);
	}

	// ---------------------------------------------------------------- a deleted entry
	// during a lost reply

	/**
	 * A commit applied before its reply was lost, whose audit entry is deleted meanwhile:
	 * the entry reads as a first commit, the fate check says NOT_APPLIED, and the same
	 * deposit is applied a second time and reported COMMITTED once.
	 */
	@Test
	void aLostReplyWhoseEntryWasDeletedIsNotAppliedTwice() throws Exception {
		DepositAccount alice = behindProxy("Alice");
		alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read());
		Snapshot read = alice.read();
		CompletableFuture<CommitResult> lost = this.zk.proxy()
			.loseReplyOf(() -> alice.commit(Operation.deposit(new BigDecimal("100.00")), read));
		this.zk.zkCli().delete().deletingChildrenIfNeeded().forPath("/bank_deposit_audit/Alice");
		this.zk.proxy().heal();

		CommitResult result = lost.get(30, TimeUnit.SECONDS);

		String balance = text(this.zk.zkCli().getData().forPath("/bank_deposit"));
		System.out.println("result " + result.single().outcome() + " attempts " + result.stats().attempts()
				+ ", balance " + balance);
		assertThat(new BigDecimal(balance))
			.as("one deposit of 100.00 on 1001.00 must be applied at most once (outcome %s)", result.single().outcome())
			.isLessThanOrEqualTo(new BigDecimal("1101.00"));
	}

	/**
	 * evictedThrough is trusted as written. After 33 other instances of the name evicted
	 * the record of an instance whose reply was lost (its commit was applied), an edit
	 * that sets evictedThrough back to 0 (still valid audit data) makes the lost commit
	 * read as never applied: it is applied a second time, and the audit, whose totals
	 * grew with it, stays conserved.
	 */
	@Test
	void aLoweredEvictionFloorDoesNotMakeALostCommitApplyTwice() throws Exception {
		DepositSettings quick = new DepositSettings(this.properties.deposit(),
				new RetryProperties(Duration.ofMillis(1), Duration.ofMillis(20), Duration.ofSeconds(3)),
				this.properties.auth());
		DepositAccount first = this.zk.behindProxy(quick, "Alice");
		Snapshot read = first.read();
		CompletableFuture<CommitResult> lost = this.zk.proxy()
			.loseReplyOf(() -> first.commit(Operation.deposit(new BigDecimal("100.00")), read));
		CuratorFramework direct = this.zk.connect();
		for (int i = 0; i < 33; i++) {
			new DepositAccount(direct, this.properties, "Alice", new StopSignal())
				.commit(Operation.deposit(new BigDecimal("1.00")), null);
		}
		String entry = text(this.zk.zkCli().getData().forPath("/bank_deposit_audit/Alice"));
		String edited = entry.replaceAll("\"evictedThrough\":[0-9]+", "\"evictedThrough\":0");
		this.zk.zkCli().setData().forPath("/bank_deposit_audit/Alice", bytes(edited));
		this.zk.proxy().heal();

		CommitResult result = lost.get(30, TimeUnit.SECONDS);

		// the edit shows in the entry's version: the entry is reported, and the lost
		// commit ends unknown
		assertThat(result.single().outcome()).isEqualTo(Outcome.UNKNOWN);
		assertThat(result.stats().attempts()).isEqualTo(1);
		assertThat(text(this.zk.zkCli().getData().forPath("/bank_deposit"))).isEqualTo("1133.00");
		assertThatExceptionOfType(DepositException.class)
			.isThrownBy(() -> new DepositAudit(this.zk.zkCli(), this.properties).report())
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(DepositException.Problem.CORRUPT_AUDIT));
	}

	// ---------------------------------------------------------------- odd JSON

	/**
	 * Strict JSON: an entry with a field the bank does not know is corrupt, not silently
	 * rewritten without it.
	 */
	@Test
	void anAuditEntryWithAnUnknownFieldIsReportedNotRewritten() throws Exception {
		DepositAccount alice = account("Alice");
		alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read());
		String entry = text(this.zk.zkCli().getData().forPath("/bank_deposit_audit/Alice"));
		String odd = entry.substring(0, entry.length() - 1) + ",\"note\":\"kept by the operator\"}";
		this.zk.zkCli().setData().forPath("/bank_deposit_audit/Alice", bytes(odd));

		CommitResult result = alice.commit(Operation.deposit(new BigDecimal("2.00")), null);

		String after = text(this.zk.zkCli().getData().forPath("/bank_deposit_audit/Alice"));
		System.out.println("result " + result.single().outcome() + ", entry " + after);
		assertThat(after)
			.as("an entry with an unknown field must be reported, not rewritten (commit was %s)",
					result.single().outcome())
			.contains("kept by the operator");
	}

	// ---------------------------------------------------------------- amounts the bank
	// writes but cannot read back

	/**
	 * zkCli creates the balance with a value below 10^-6
	 * ({@code create /bank_deposit 0.0000001}). The audit root records it through
	 * Jackson, which writes BigDecimal.toString(): "1E-7". The codec then refuses its own
	 * root as corrupt, for ever: no customer can ever commit.
	 */
	@Test
	void aTinyOpeningBalanceWrittenByZkCliStartsAnAuditTheBankCanReadBack() throws Exception {
		this.zk.zkCli().create().forPath("/bank_deposit", bytes("0.0000001"));
		DepositAccount alice = account("Alice");

		Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(alice::read);

		String root = text(this.zk.zkCli().getData().forPath("/bank_deposit_audit"));
		System.out.println("read threw " + thrown + "; root " + root);
		assertThat(thrown).as("the bank wrote the audit root %s and must be able to read it back", root).isNull();
	}

	/**
	 * The same through the totals: a withdrawal of 10^-30 from a balance with 30 decimals
	 * commits, and the entry then holds "withdrawn":"1E-30", which the codec refuses: the
	 * customer is stuck and the audit answers CORRUPT_AUDIT.
	 */
	@Test
	void aCommittedWithdrawalOfATinyAmountLeavesAnEntryTheBankCanReadBack() throws Exception {
		this.zk.zkCli().create().forPath("/bank_deposit", bytes("1." + "0".repeat(29) + "1"));
		DepositAccount alice = account("Alice");
		CommitResult result = alice.commit(Operation.withdraw(new BigDecimal("0." + "0".repeat(29) + "1")),
				alice.read());

		String entry = text(this.zk.zkCli().getData().forPath("/bank_deposit_audit/Alice"));
		Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(alice::read);
		System.out.println("commit " + result.single().outcome() + "; entry " + entry + "; read threw " + thrown);
		assertThat(result.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(thrown).as("the bank wrote the entry %s and must be able to read it back", entry).isNull();
	}

	// ---------------------------------------------------------------- replaced deposit

	/**
	 * The identity check (czxid) is made on reads only; the commit's multi checks
	 * versions only. A deposit deleted and created again between a read and the commit,
	 * at the same version as the read (a fresh node is at 0, as is a balance the bank has
	 * just created), is written to.
	 */
	@Test
	void aDepositReplacedBetweenAReadAndItsCommitIsNeverWrittenTo() throws Exception {
		DepositAccount alice = account("Alice");
		Snapshot read = alice.read(); // the bank creates the balance: version 0
		this.zk.zkCli().delete().deletingChildrenIfNeeded().forPath("/bank_deposit");
		// replaced, again at version 0
		this.zk.zkCli().create().forPath("/bank_deposit", bytes("1000"));

		CommitResult result = alice.commit(Operation.deposit(new BigDecimal("100.00")), read);

		String balance = text(this.zk.zkCli().getData().forPath("/bank_deposit"));
		Throwable audit = org.assertj.core.api.Assertions
			.catchThrowable(() -> new DepositAudit(this.zk.zkCli(), this.properties).report());
		System.out
			.println("commit " + result.single().outcome() + "; replaced balance now " + balance + "; audit " + audit);
		assertThat(balance).as("a replaced deposit must never be written to (commit was %s)", result.single().outcome())
			.isEqualTo("1000");
	}

	/**
	 * The same through the snapshot a commit returns, which the next commit uses without
	 * reading.
	 */
	@Test
	void aDepositReplacedBetweenTwoCommitsIsNeverWrittenTo() throws Exception {
		DepositAccount alice = account("Alice");
		// version 1
		CommitResult first = alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read());
		this.zk.zkCli().delete().deletingChildrenIfNeeded().forPath("/bank_deposit");
		this.zk.zkCli().create().forPath("/bank_deposit", bytes("5000"));
		// replaced, at version 1
		this.zk.zkCli().setData().forPath("/bank_deposit", bytes("5000"));

		CommitResult second = alice.commit(Operation.deposit(new BigDecimal("100.00")), first.snapshot());

		String balance = text(this.zk.zkCli().getData().forPath("/bank_deposit"));
		System.out.println("second commit " + second.single().outcome() + " (" + second.single().reason()
				+ "); replaced balance now " + balance);
		assertThat(balance).as("a replaced deposit must never be written to (commit was %s)", second.single().outcome())
			.isEqualTo("5000");
	}

	/**
	 * After a rollover the root recorded depositCzxid 0, "created by the transaction that
	 * last wrote this root", so any later write of the root, even of the very same bytes,
	 * made the untouched balance read as replaced. Now the marker's czxid must be the
	 * root's mzxid: a rewritten root is reported as what it is, someone writing the
	 * audit, and nothing is written.
	 */
	@Test
	void rewritingTheAuditRootIsReportedAsARewriteAndNothingIsWritten() throws Exception {
		this.zk.zkCli().create().forPath("/bank_deposit", bytes("1000"));
		this.zk.server().setVersion("/bank_deposit", -2);
		DepositAccount alice = account("Alice");
		CommitResult rollover = alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read());
		byte[] root = this.zk.zkCli().getData().forPath("/bank_deposit_audit");
		this.zk.zkCli().setData().forPath("/bank_deposit_audit", root); // the same bytes

		assertThat(rollover.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThatExceptionOfType(DepositException.class).isThrownBy(alice::read)
			.withMessageContaining("someone rewrote the audit");
		assertThat(alice.commit(Operation.deposit(new BigDecimal("1.00")), null).single().outcome())
			.isEqualTo(Outcome.FAILED);
		assertThat(text(this.zk.zkCli().getData().forPath("/bank_deposit"))).isEqualTo("1001.00");
	}

	// ---------------------------------------------------------------- the audit at scale

	/**
	 * The audit reads every entry in one multiRead. An entry that has seen 32 instances
	 * is about 1.7 kB, so with some 600 customer names the reply passes the client's 1 MB
	 * packet limit (jute.maxbuffer): the client drops its connection, the audit says
	 * "ZooKeeper is not reachable" for ever, and the first customer, which shares the
	 * application's session with the audit, is disconnected at every audit (every
	 * scrape).
	 */
	@Test
	void theAuditOfEightHundredCustomerNamesWorksAndDoesNotDisconnectTheSharedSession() throws Exception {
		CuratorFramework shared = this.zk.connect();
		DepositAccount alice = new DepositAccount(shared, this.properties, "Alice", new StopSignal());
		alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read());
		for (int name = 0; name < 800; name++) {
			CustomerTotals totals = CustomerTotals.NONE;
			for (int instance = 0; instance < CustomerTotals.INSTANCES_KEPT; instance++) {
				totals = totals.plus(List.of(Operation.deposit(new BigDecimal("0.01"))), "%013d".formatted(instance),
						1_000_000 + instance, true);
			}
			this.zk.zkCli().create().forPath("/bank_deposit_audit/Customer" + name, AuditCodec.encode(totals));
		}
		java.util.concurrent.atomic.AtomicInteger suspended = new java.util.concurrent.atomic.AtomicInteger();
		shared.getConnectionStateListenable().addListener((client, state) -> {
			if (!state.isConnected()) {
				suspended.incrementAndGet();
			}
		});

		Throwable thrown = org.assertj.core.api.Assertions
			.catchThrowable(() -> new DepositAudit(shared, this.properties).report());
		Thread.sleep(500);

		System.out.println("entry size " + this.zk.zkCli().getData().forPath("/bank_deposit_audit/Customer0").length
				+ " bytes; audit threw " + thrown + "; connection losses of the shared session: " + suspended.get());
		assertThat(thrown).as("the audit of 800 names must be computed, not fail as %s", thrown).isNull();
		assertThat(suspended.get()).as("an audit must not disconnect the session it shares with a customer").isZero();
	}

	// ---------------------------------------------------------------- helpers

	private static List<ACL> onlySomeoneElse() throws Exception {
		return List.of(new ACL(ZooDefs.Perms.ALL,
				new Id("digest", DigestAuthenticationProvider.generateDigest("operator:secret"))));
	}

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
