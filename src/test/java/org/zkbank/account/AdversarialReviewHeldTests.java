package org.zkbank.account;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.zkbank.account.CommitResult.Outcome;
import org.zkbank.support.InProcessZooKeeper;
import org.zkbank.support.TransactionLogOracle;
import org.zkbank.support.ZooKeeperProxy;
import org.zkbank.support.ZooKeeperTestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Attacks of the second adversarial review that the promise survived; most check the transaction log too. */
class AdversarialReviewHeldTests {

	private final ZooKeeperTestClients clients = new ZooKeeperTestClients(4_000);

	private final BankProperties properties = ZooKeeperTestClients.properties("/bank_deposit");

	private final List<CommitResult> history = new ArrayList<>();

	private InProcessZooKeeper server;

	private ZooKeeperProxy proxy;

	private CuratorFramework zkCli;

	@BeforeEach
	void setUp() throws Exception {
		this.server = new InProcessZooKeeper();
		this.proxy = new ZooKeeperProxy(this.server.port());
		this.zkCli = this.clients.connect(this.server.connectString());
	}

	@AfterEach
	void tearDown() throws Exception {
		this.clients.close();
		this.proxy.close();
		this.server.close();
	}

	@Test
	void aRolloverWhoseReplyIsLostWhileAnotherCustomerCommitsIsAppliedOnce() throws Exception {
		startAt(-2);
		DepositAccount alice = behindProxy("Alice");
		DepositAccount bob = direct("Bob");
		Snapshot read = alice.read();
		this.proxy.loseNextCommitReply(true);
		CompletableFuture<CommitResult> lost = CompletableFuture
			.supplyAsync(() -> alice.commit(Operation.deposit(new BigDecimal("100.00")), read));
		assertThat(this.proxy.awaitFault(Duration.ofSeconds(10))).isTrue();
		record(bob.commit(Operation.deposit(new BigDecimal("50.00")), bob.read()));
		this.proxy.heal();
		CommitResult result = record(lost.get(30, TimeUnit.SECONDS));

		assertThat(result.outcome()).isEqualTo(Outcome.COMMITTED);
		AuditReport report = verify();
		assertThat(report.balance()).isEqualByComparingTo("1150.00");
	}

	@Test
	void aCommitLostBeforeTheServerWhileOthersRollTheNodeOverIsAppliedOnce() throws Exception {
		startAt(-3);
		DepositAccount alice = behindProxy("Alice");
		DepositAccount bob = direct("Bob");
		DepositAccount chuck = direct("Chuck");
		Snapshot read = alice.read();
		this.proxy.loseNextCommit(true);
		CompletableFuture<CommitResult> lost = CompletableFuture
			.supplyAsync(() -> alice.commit(Operation.withdraw(new BigDecimal("600.00")), read));
		assertThat(this.proxy.awaitFault(Duration.ofSeconds(10))).isTrue();
		record(bob.commit(Operation.deposit(new BigDecimal("50.00")), bob.read()));
		record(chuck.commit(Operation.withdraw(new BigDecimal("500.00")), chuck.read())); // the rollover
		this.proxy.heal();
		CommitResult result = record(lost.get(30, TimeUnit.SECONDS));

		assertThat(result.outcome()).isEqualTo(Outcome.REJECTED); // 550 left: 600 does not fit
		AuditReport report = verify();
		assertThat(report.balance()).isEqualByComparingTo("550.00");
	}

	@Test
	void anEntryRolloverWhoseReplyIsLostRacingAnotherInstanceOfTheNameIsAppliedOnce() throws Exception {
		DepositAccount first = behindProxy("Alice");
		DepositAccount second = direct("Alice");
		record(first.commit(Operation.deposit(new BigDecimal("1.00")), first.read()));
		// the entry as 2^32 - 1 commits would leave it: at version -2
		String path = "/bank_deposit_audit/Alice";
		long commits = 1 + Integer.toUnsignedLong(-2);
		String entry = new String(this.zkCli.getData().forPath(path), StandardCharsets.UTF_8)
			.replace("\"operations\":1,\"commits\":1", "\"operations\":%d,\"commits\":%d".formatted(commits, commits));
		this.server.setData(path, entry.getBytes(StandardCharsets.UTF_8), -2);
		Snapshot read = first.read();
		this.proxy.loseNextCommitReply(true);
		CompletableFuture<CommitResult> lost = CompletableFuture
			.supplyAsync(() -> first.commit(Operation.deposit(new BigDecimal("100.00")), read));
		assertThat(this.proxy.awaitFault(Duration.ofSeconds(10))).isTrue();
		CommitResult meanwhile = second.commit(Operation.deposit(new BigDecimal("10.00")), second.read());
		this.proxy.heal();
		CommitResult result = lost.get(30, TimeUnit.SECONDS);

		// the audit's commit count is off by the 2^32 commits made up above; the balance and entry are exact
		assertThat(result.outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(meanwhile.outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(new String(this.zkCli.getData().forPath("/bank_deposit"), StandardCharsets.UTF_8)).isEqualTo("1111.00");
		assertThat(second.read().totals().deposited()).isEqualByComparingTo("111.00");
	}

	@Test
	void aLostReplyAcrossASessionExpiryIsAppliedOnce() throws Exception {
		DepositAccount alice = behindProxy("Alice");
		Snapshot read = alice.read();
		long session = this.zkCli.getZookeeperClient().getZooKeeper().getSessionId();
		this.proxy.loseNextCommitReply(true);
		CompletableFuture<CommitResult> lost = CompletableFuture
			.supplyAsync(() -> alice.commit(Operation.deposit(new BigDecimal("100.00")), read));
		assertThat(this.proxy.awaitFault(Duration.ofSeconds(10))).isTrue();
		Thread.sleep(6_000); // past the 4 s session timeout: the session expires
		this.proxy.heal();
		CommitResult result = record(lost.get(60, TimeUnit.SECONDS));

		assertThat(session).isNotZero();
		assertThat(result.outcome()).isIn(Outcome.COMMITTED, Outcome.UNKNOWN);
		AuditReport report = verify();
		assertThat(report.balance()).isEqualByComparingTo("1100.00");
	}

	@Test
	void aBalanceWithThirtyDigitsAndThirtyDecimalsIsExact() throws Exception {
		String big = "9".repeat(30) + "." + "9".repeat(30);
		this.zkCli.create().forPath("/bank_deposit", bytes(big));
		DepositAccount alice = direct("Alice");
		CommitResult deposit = record(alice.commit(Operation.deposit(new BigDecimal("0.01")), alice.read()));
		CommitResult withdraw = record(
				alice.commit(Operation.withdraw(new BigDecimal("0.01")), alice.read()));

		assertThat(deposit.outcome()).isEqualTo(Outcome.REJECTED);
		assertThat(withdraw.outcome()).isEqualTo(Outcome.COMMITTED);
		AuditReport report = verify();
		assertThat(report.balance()).isEqualByComparingTo("9".repeat(30) + ".98" + "9".repeat(28));
	}

	/** Any bytes in any bank node: the audit and the customer report a DepositException, and nothing is written. */
	@Test
	void oddBytesInEveryNodeAreReportedAndLeftUntouched() throws Exception {
		DepositAccount alice = direct("Alice");
		record(alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read()));
		List<String> payloads = List.of("", " ", "null", "{}", "[]", "-1", "1e3", "NaN", "１０００", "1000 1",
				"{\"deposited\":\"1\",\"withdrawn\":\"0\",\"operations\":1,\"commits\":1,\"instances\":{},"
						+ "\"evictedThrough\":5}",
				"{\"deposited\":1,\"withdrawn\":\"0\",\"operations\":1,\"commits\":1,\"instances\":{},\"evictedThrough\":0}",
				"{\"openingBalance\":\"1000\",\"openingVersion\":\"x\"}", "[".repeat(100_000),
				"{\"deposited\":\"1\",\"withdrawn\":\"0\",\"operations\":1e999,\"commits\":1,\"instances\":{}}",
				"{\"openingBalance\":\"1000\",\"openingVersion\":0,\"depositCzxid\":-5}", "\u0000\u00ff");
		for (String node : List.of("/bank_deposit", "/bank_deposit_audit", "/bank_deposit_audit/Alice")) {
			byte[] original = this.zkCli.getData().forPath(node);
			for (String payload : payloads) {
				this.zkCli.setData().forPath(node, bytes(payload));
				Throwable audit = catchThrowable(() -> new DepositAudit(this.zkCli, this.properties).report());
				CommitResult result = alice.commit(Operation.deposit(new BigDecimal("1.00")), null);
				assertThat(audit).as("audit of %s = %s", node, abbreviate(payload)).isInstanceOf(DepositException.class);
				assertThat(result.outcome()).as("commit with %s = %s", node, abbreviate(payload)).isEqualTo(Outcome.FAILED);
				assertThat(new String(this.zkCli.getData().forPath(node), StandardCharsets.UTF_8))
					.as("%s left untouched", node)
					.isEqualTo(payload);
			}
			this.zkCli.setData().forPath(node, original);
		}
	}

	/** Strict JSON: content after the entry's object is corrupt input, not silently dropped by the next commit. */
	@org.junit.jupiter.params.ParameterizedTest(name = "suffix {0}")
	@org.junit.jupiter.params.provider.ValueSource(strings = { " trailing words", " {\"second\":1}", "]" })
	void anAuditEntryWithTrailingContentIsReportedNotRewritten(String suffix) throws Exception {
		DepositAccount alice = direct("Alice");
		alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read());
		String entry = new String(this.zkCli.getData().forPath("/bank_deposit_audit/Alice"), StandardCharsets.UTF_8);
		this.zkCli.setData().forPath("/bank_deposit_audit/Alice", bytes(entry + suffix));

		CommitResult result = alice.commit(Operation.deposit(new BigDecimal("2.00")), null);

		String after = new String(this.zkCli.getData().forPath("/bank_deposit_audit/Alice"), StandardCharsets.UTF_8);
		System.out.println("suffix '" + suffix + "': result " + result.outcome() + ", entry " + after);
		assertThat(after).as("an entry with trailing content must be reported, not rewritten (commit was %s)",
				result.outcome()).endsWith(suffix);
	}

	private static String abbreviate(String text) {
		return (text.length() <= 60) ? text : text.substring(0, 60) + "...";
	}

	private void startAt(int version) throws Exception {
		this.zkCli.create().forPath("/bank_deposit", bytes("1000"));
		this.server.setVersion("/bank_deposit", version);
	}

	private AuditReport verify() {
		AuditReport report = new DepositAudit(this.zkCli, this.properties).report();
		assertThat(report.conserved()).as(report.toString()).isTrue();
		System.out.println(new TransactionLogOracle(this.properties, List.of(this.server.dataDirectory()))
			.check(this.history, report, 0));
		return report;
	}

	private CommitResult record(CommitResult result) {
		this.history.add(result);
		return result;
	}

	private DepositAccount behindProxy(String customer) throws InterruptedException {
		return new DepositAccount(this.clients.connect(this.proxy.connectString()), this.properties, customer,
				new StopSignal());
	}

	private DepositAccount direct(String customer) throws InterruptedException {
		return new DepositAccount(this.clients.connect(this.server.connectString()), this.properties, customer,
				new StopSignal());
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
