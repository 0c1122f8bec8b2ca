package org.zkbank.account;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.zkbank.account.Outcome;
import org.zkbank.support.RealZooKeeper;
import org.zkbank.support.ZooKeeperTestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Attacks of the second adversarial review that the promise survived; most check the
 * transaction log too.
 */
class AdversarialReviewHeldTests {

	@RegisterExtension
	final RealZooKeeper zk = RealZooKeeper.perTest().sessionTimeout(4_000);

	private final DepositSettings properties = ZooKeeperTestClients.properties("/bank_deposit");

	@Test
	void aRolloverWhoseReplyIsLostWhileAnotherCustomerCommitsIsAppliedOnce() throws Exception {
		startAt(-2);
		DepositAccount alice = behindProxy("Alice");
		DepositAccount bob = direct("Bob");
		Snapshot read = alice.read();
		CompletableFuture<CommitResult> lost = this.zk.proxy()
			.loseReplyOf(() -> alice.commit(Operation.deposit(new BigDecimal("100.00")), read));
		this.zk.record(bob.commit(Operation.deposit(new BigDecimal("50.00")), bob.read()));
		this.zk.proxy().heal();
		CommitResult result = this.zk.record(lost.get(30, TimeUnit.SECONDS));

		assertThat(result.single().outcome()).isEqualTo(Outcome.COMMITTED);
		AuditReport report = this.zk.verify(this.properties);
		assertThat(report.balance()).isEqualByComparingTo("1150.00");
	}

	@Test
	void aCommitLostBeforeTheServerWhileOthersRollTheNodeOverIsAppliedOnce() throws Exception {
		startAt(-3);
		DepositAccount alice = behindProxy("Alice");
		DepositAccount bob = direct("Bob");
		DepositAccount chuck = direct("Chuck");
		Snapshot read = alice.read();
		CompletableFuture<CommitResult> lost = this.zk.proxy()
			.loseRequestOf(() -> alice.commit(Operation.withdraw(new BigDecimal("600.00")), read));
		this.zk.record(bob.commit(Operation.deposit(new BigDecimal("50.00")), bob.read()));
		// the rollover
		this.zk.record(chuck.commit(Operation.withdraw(new BigDecimal("500.00")), chuck.read()));
		this.zk.proxy().heal();
		CommitResult result = this.zk.record(lost.get(30, TimeUnit.SECONDS));

		// 550 left: 600 does not fit
		assertThat(result.single().outcome()).isEqualTo(Outcome.REJECTED);
		AuditReport report = this.zk.verify(this.properties);
		assertThat(report.balance()).isEqualByComparingTo("550.00");
	}

	@Test
	void anEntryRolloverWhoseReplyIsLostRacingAnotherInstanceOfTheNameIsAppliedOnce() throws Exception {
		DepositAccount first = behindProxy("Alice");
		DepositAccount second = direct("Alice");
		this.zk.record(first.commit(Operation.deposit(new BigDecimal("1.00")), first.read()));
		// the entry as 2^32 - 1 commits would leave it: at version -2
		String path = "/bank_deposit_audit/Alice";
		long commits = 1 + Integer.toUnsignedLong(-2);
		String entry = new String(this.zk.zkCli().getData().forPath(path), StandardCharsets.UTF_8)
			.replace("\"operations\":1,\"commits\":1", "\"operations\":%d,\"commits\":%d".formatted(commits, commits));
		this.zk.server().setData(path, entry.getBytes(StandardCharsets.UTF_8), -2);
		Snapshot read = first.read();
		CompletableFuture<CommitResult> lost = this.zk.proxy()
			.loseReplyOf(() -> first.commit(Operation.deposit(new BigDecimal("100.00")), read));
		CommitResult meanwhile = second.commit(Operation.deposit(new BigDecimal("10.00")), second.read());
		this.zk.proxy().heal();
		CommitResult result = lost.get(30, TimeUnit.SECONDS);

		// the audit's commit count is off by the 2^32 commits made up above; the balance
		// and entry are exact
		assertThat(result.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(meanwhile.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(new String(this.zk.zkCli().getData().forPath("/bank_deposit"), StandardCharsets.UTF_8))
			.isEqualTo("1111.00");
		assertThat(second.read().totals().deposited()).isEqualByComparingTo("111.00");
	}

	@Test
	void aLostReplyAcrossASessionExpiryIsAppliedOnce() throws Exception {
		DepositAccount alice = behindProxy("Alice");
		Snapshot read = alice.read();
		long session = this.zk.zkCli().getZookeeperClient().getZooKeeper().getSessionId();
		CompletableFuture<CommitResult> lost = this.zk.proxy()
			.loseReplyOf(() -> alice.commit(Operation.deposit(new BigDecimal("100.00")), read));
		Thread.sleep(6_000); // past the 4 s session timeout: the session expires
		this.zk.proxy().heal();
		CommitResult result = this.zk.record(lost.get(60, TimeUnit.SECONDS));

		assertThat(session).isNotZero();
		assertThat(result.single().outcome()).isIn(Outcome.COMMITTED, Outcome.UNKNOWN);
		AuditReport report = this.zk.verify(this.properties);
		assertThat(report.balance()).isEqualByComparingTo("1100.00");
	}

	@Test
	void aBalanceWithThirtyDigitsAndThirtyDecimalsIsExact() throws Exception {
		String big = "9".repeat(30) + "." + "9".repeat(30);
		this.zk.zkCli().create().forPath("/bank_deposit", bytes(big));
		DepositAccount alice = direct("Alice");
		CommitResult deposit = this.zk.record(alice.commit(Operation.deposit(new BigDecimal("0.01")), alice.read()));
		CommitResult withdraw = this.zk.record(alice.commit(Operation.withdraw(new BigDecimal("0.01")), alice.read()));

		assertThat(deposit.single().outcome()).isEqualTo(Outcome.REJECTED);
		assertThat(withdraw.single().outcome()).isEqualTo(Outcome.COMMITTED);
		AuditReport report = this.zk.verify(this.properties);
		assertThat(report.balance()).isEqualByComparingTo("9".repeat(30) + ".98" + "9".repeat(28));
	}

	/**
	 * Any bytes in any bank node: the audit and the customer report a DepositException,
	 * and nothing is written.
	 */
	@Test
	void oddBytesInEveryNodeAreReportedAndLeftUntouched() throws Exception {
		DepositAccount alice = direct("Alice");
		this.zk.record(alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read()));
		List<String> payloads = List.of("", " ", "null", "{}", "[]", "-1", "1e3", "NaN", "１０００", "1000 1",
				"{\"deposited\":\"1\",\"withdrawn\":\"0\",\"operations\":1,\"commits\":1,\"instances\":{},"
						+ "\"evictedThrough\":5}",
				"{\"deposited\":1,\"withdrawn\":\"0\",\"operations\":1,\"commits\":1,\"instances\":{},\"evictedThrough\":0}",
				"{\"openingBalance\":\"1000\",\"openingVersion\":\"x\"}", "[".repeat(100_000),
				"{\"deposited\":\"1\",\"withdrawn\":\"0\",\"operations\":1e999,\"commits\":1,\"instances\":{}}",
				"{\"openingBalance\":\"1000\",\"openingVersion\":0,\"depositCzxid\":-5}", "\u0000\u00ff");
		for (String node : List.of("/bank_deposit", "/bank_deposit_audit", "/bank_deposit_audit/Alice")) {
			byte[] original = this.zk.zkCli().getData().forPath(node);
			for (String payload : payloads) {
				this.zk.zkCli().setData().forPath(node, bytes(payload));
				Throwable audit = catchThrowable(() -> new DepositAudit(this.zk.zkCli(), this.properties).report());
				CommitResult result = alice.commit(Operation.deposit(new BigDecimal("1.00")), null);
				assertThat(audit).as("audit of %s = %s", node, abbreviate(payload))
					.isInstanceOf(DepositException.class);
				assertThat(result.single().outcome()).as("commit with %s = %s", node, abbreviate(payload))
					.isEqualTo(Outcome.FAILED);
				assertThat(new String(this.zk.zkCli().getData().forPath(node), StandardCharsets.UTF_8))
					.as("%s left untouched", node)
					.isEqualTo(payload);
			}
			this.zk.zkCli().setData().forPath(node, original);
		}
	}

	/**
	 * Strict JSON: content after the entry's object is corrupt input, not silently
	 * dropped by the next commit.
	 */
	@org.junit.jupiter.params.ParameterizedTest(name = "suffix {0}")
	@org.junit.jupiter.params.provider.ValueSource(strings = { " trailing words", " {\"second\":1}", "]" })
	void anAuditEntryWithTrailingContentIsReportedNotRewritten(String suffix) throws Exception {
		DepositAccount alice = direct("Alice");
		alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read());
		String entry = new String(this.zk.zkCli().getData().forPath("/bank_deposit_audit/Alice"),
				StandardCharsets.UTF_8);
		this.zk.zkCli().setData().forPath("/bank_deposit_audit/Alice", bytes(entry + suffix));

		CommitResult result = alice.commit(Operation.deposit(new BigDecimal("2.00")), null);

		String after = new String(this.zk.zkCli().getData().forPath("/bank_deposit_audit/Alice"),
				StandardCharsets.UTF_8);
		System.out.println("suffix '" + suffix + "': result " + result.single().outcome() + ", entry " + after);
		assertThat(after)
			.as("an entry with trailing content must be reported, not rewritten (commit was %s)",
					result.single().outcome())
			.endsWith(suffix);
	}

	private static String abbreviate(String text) {
		return (text.length() <= 60) ? text : text.substring(0, 60) + "...";
	}

	private void startAt(int version) throws Exception {
		this.zk.zkCli().create().forPath("/bank_deposit", bytes("1000"));
		this.zk.server().setVersion("/bank_deposit", version);
	}

	private DepositAccount behindProxy(String customer) throws InterruptedException {
		return this.zk.behindProxy(this.properties, customer);
	}

	private DepositAccount direct(String customer) throws InterruptedException {
		return this.zk.account(this.properties, customer);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
