package org.zkbank.account;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.zkbank.account.Outcome;
import org.zkbank.support.RealZooKeeper;
import org.zkbank.support.ZooKeeperTestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A node's data version is a 32-bit counter: after 2^31 writes it goes negative, and at
 * -1 a versioned write would be unconditional. The server's data tree is set to those
 * versions directly, as if the writes had been made: the balance before the audit starts,
 * so that the audit stays exact.
 */
class VersionWrapTests {

	@RegisterExtension
	final RealZooKeeper zk = RealZooKeeper.perTest();

	private final DepositSettings properties = ZooKeeperTestClients.properties("/bank_deposit");

	@Test
	void aBalanceAtVersionMinusOneIsReportedAndNeverWritten() throws Exception {
		startAt(-1);
		DepositAccount alice = account("Alice");

		assertThatExceptionOfType(DepositException.class).isThrownBy(alice::read)
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(DepositException.Problem.CORRUPT_BALANCE))
			.withMessageContaining("version -1");
		assertThat(alice.commit(Operation.deposit(new BigDecimal("100.00")), null).single().outcome())
			.isEqualTo(Outcome.FAILED);
		assertThat(this.zk.zkCli().getData().forPath(this.properties.deposit().path())).asString(StandardCharsets.UTF_8)
			.isEqualTo("1000");
	}

	@Test
	void anAuditRootAtVersionMinusOneIsReportedAndNeverWritten() throws Exception {
		startAt(-2);
		DepositAccount alice = account("Alice");
		alice.read();
		this.zk.server().setVersion(this.properties.deposit().auditPath(), -1);

		assertThatExceptionOfType(DepositException.class).isThrownBy(alice::read)
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(DepositException.Problem.CORRUPT_AUDIT))
			.withMessageContaining("version -1");
		assertThat(alice.commit(Operation.deposit(new BigDecimal("100.00")), null).single().outcome())
			.isEqualTo(Outcome.FAILED);
		assertThat(this.zk.zkCli().getData().forPath(this.properties.deposit().path())).asString(StandardCharsets.UTF_8)
			.isEqualTo("1000");
	}

	@Test
	void atVersionMinusTwoTwoCustomersFromTheSameBalanceConflictInsteadOfBothWriting() throws Exception {
		startAt(-2);
		DepositAccount alice = account("Alice");
		DepositAccount bob = account("Bob");
		Snapshot aliceRead = alice.read();
		Snapshot bobRead = bob.read();

		CommitResult first = this.zk.record(alice.commit(Operation.deposit(new BigDecimal("100.00")), aliceRead));
		CommitResult second = this.zk.record(bob.commit(Operation.deposit(new BigDecimal("50.00")), bobRead));

		assertThat(first.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(second.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(second.stats().conflicts()).isEqualTo(1);
		AuditReport report = verify();
		assertThat(report.balance()).isEqualByComparingTo("1150.00");
		assertThat(report.version()).as("the node was recreated, then written once").isEqualTo(1);
	}

	@Test
	void anAuditEntryAtVersionMinusTwoIsRecreatedByTheCommitInOneAttempt() throws Exception {
		DepositAccount alice = account("Alice");
		this.zk.record(alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read()));
		String entry = this.properties.deposit().auditPath() + "/Alice";
		// the commits that would leave the node at -2
		long commits = 1 + Integer.toUnsignedLong(-2);
		String totals = new String(this.zk.zkCli().getData().forPath(entry), StandardCharsets.UTF_8)
			.replace("\"operations\":1,\"commits\":1", "\"operations\":%d,\"commits\":%d".formatted(commits, commits));
		this.zk.server().setData(entry, totals.getBytes(StandardCharsets.UTF_8), -2);

		CommitResult result = alice.commit(Operation.deposit(new BigDecimal("2.00")), alice.read());

		assertThat(result.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(result.stats().attempts()).isEqualTo(1);
		Snapshot after = alice.read();
		assertThat(after.totalsVersion()).isZero();
		assertThat(after.totals().firstCommit()).isEqualTo(commits + 1);
		assertThat(after.totals().deposited()).isEqualByComparingTo("3.00");
	}

	@Test
	void anAuditEntryAtVersionMinusOneIsReportedAndNeverWritten() throws Exception {
		DepositAccount alice = account("Alice");
		this.zk.record(alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read()));
		String entry = this.properties.deposit().auditPath() + "/Alice";
		byte[] before = this.zk.zkCli().getData().forPath(entry);
		this.zk.server().setVersion(entry, -1);

		assertThatExceptionOfType(DepositException.class).isThrownBy(alice::read)
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(DepositException.Problem.CORRUPT_AUDIT));
		assertThat(alice.commit(Operation.deposit(new BigDecimal("2.00")), null).single().outcome())
			.isEqualTo(Outcome.FAILED);
		assertThat(this.zk.zkCli().getData().forPath(entry)).isEqualTo(before);
	}

	@ParameterizedTest(name = "from version {0}")
	@ValueSource(ints = { Integer.MAX_VALUE - 20, -20 })
	void threeCustomersCommitThroughTheWrapWithTheAuditExact(int version) throws Exception {
		startAt(version);
		List<DepositAccount> customers = List.of(account("Alice"), account("Bob"), account("Chuck"));
		ExecutorService threads = Executors.newFixedThreadPool(customers.size());
		try {
			List<Future<?>> runs = new ArrayList<>();
			for (DepositAccount customer : customers) {
				runs.add(threads.submit(() -> {
					for (int i = 0; i < 20; i++) {
						Snapshot read = customer.read();
						BigDecimal amount = new BigDecimal(ThreadLocalRandom.current().nextInt(1, 10_000))
							.movePointLeft(2);
						Operation operation = ThreadLocalRandom.current().nextBoolean() ? Operation.deposit(amount)
								: Operation.withdraw(amount);
						assertThat(this.zk.record(customer.commit(operation, read)).single().outcome())
							.isIn(Outcome.COMMITTED, Outcome.REJECTED);
					}
					return null;
				}));
			}
			for (Future<?> run : runs) {
				run.get();
			}
		}
		finally {
			threads.shutdownNow();
		}

		AuditReport report = verify();
		assertThat(report.version()).as("past MAX the version is negative; past -2 the node was recreated at 0")
			.isBetween((version > 0) ? Integer.MIN_VALUE : 0, (version > 0) ? -1 : 60);
		long committed = this.zk.history().stream().filter(CommitResult::anyCommitted).count();
		assertThat(report.customers().values().stream().mapToLong(AuditReport.CustomerAudit::commits).sum())
			.isEqualTo(committed);
	}

	/**
	 * The balance node as zkCli creates it, at the given version, before any customer
	 * audits it.
	 */
	private void startAt(int version) throws Exception {
		this.zk.zkCli().create().forPath(this.properties.deposit().path(), "1000".getBytes(StandardCharsets.UTF_8));
		this.zk.server().setVersion(this.properties.deposit().path(), version);
	}

	/**
	 * The audit is conserved with no unexplained write, and the transaction log agrees
	 * with every outcome.
	 */
	private AuditReport verify() {
		AuditReport report = this.zk.verify(this.properties);
		assertThat(report.unexplainedWrites()).isZero();
		return report;
	}

	private DepositAccount account(String customer) throws InterruptedException {
		return this.zk.account(this.properties, customer);
	}

}
