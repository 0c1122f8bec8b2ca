package org.zkbank.account;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.zkbank.support.RealZooKeeper;
import org.zkbank.support.ZooKeeperTestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The audit against a real in-process ZooKeeper server. */
class DepositAuditTests {

	@RegisterExtension
	final RealZooKeeper zk = RealZooKeeper.perTest();

	private final DepositSettings properties = ZooKeeperTestClients.properties("/bank_deposit");

	@Test
	void knowsTheOpeningBalanceZkCliWroteAndSumsEveryCustomer() throws Exception {
		this.zk.zkCli().create().forPath("/bank_deposit", "1000".getBytes(StandardCharsets.UTF_8));
		DepositAccount alice = account("Alice");
		DepositAccount bob = account("Bob");
		alice.commit(Operation.deposit(new BigDecimal("12.34")), alice.read());
		bob.commit(Operation.withdraw(new BigDecimal("2.34")), bob.read());

		AuditReport report = audit().report();

		assertThat(report.openingBalance()).isEqualByComparingTo("1000");
		assertThat(report.balance()).isEqualByComparingTo("1010.00");
		assertThat(report.expectedBalance()).isEqualByComparingTo("1010.00");
		assertThat(report.version()).isEqualTo(2);
		assertThat(report.customers()).containsOnlyKeys("Alice", "Bob");
		assertThat(report.customers().get("Bob").withdrawn()).isEqualByComparingTo("2.34");
		assertThat(report.conserved()).isTrue();
	}

	@Test
	void detectsAForeignWriteAndKeepsReportingItAfterLaterCommits() throws Exception {
		DepositAccount alice = account("Alice");
		alice.commit(Operation.deposit(new BigDecimal("10.00")), alice.read());
		this.zk.zkCli().setData().forPath("/bank_deposit", "5000".getBytes(StandardCharsets.UTF_8));
		alice.commit(Operation.deposit(new BigDecimal("1.00")), alice.read());

		AuditReport report = audit().report();

		assertThat(report.conserved()).isFalse();
		assertThat(report.discrepancy()).isEqualByComparingTo("3990.00");
		assertThat(report.unexplainedWrites()).isEqualTo(1);
	}

	@Test
	void detectsAForeignWriteThatLeftTheValueUnchanged() throws Exception {
		DepositAccount alice = account("Alice");
		alice.commit(Operation.deposit(new BigDecimal("10.00")), alice.read());
		this.zk.zkCli().setData().forPath("/bank_deposit", "1010.00".getBytes(StandardCharsets.UTF_8));

		AuditReport report = audit().report();

		assertThat(report.discrepancy()).isEqualByComparingTo("0");
		assertThat(report.unexplainedWrites()).isEqualTo(1);
		assertThat(report.conserved()).isFalse();
	}

	@Test
	void saysWhenNoCustomerHasStartedTheAudit() {
		assertThatExceptionOfType(DepositException.class).isThrownBy(audit()::report)
			.withMessageContaining("has not started");
	}

	private DepositAccount account(String customer) throws InterruptedException {
		return this.zk.account(this.properties, customer);
	}

	private DepositAudit audit() {
		return new DepositAudit(this.zk.zkCli(), this.properties);
	}

	@Test
	void manyNamesAreAuditedInPartsAndAnAuditThatMeetsCommitsEveryTimeSaysSoNotThatZooKeeperIsDown() throws Exception {
		CuratorFramework customers = this.zk.connect();
		for (int name = 0; name < 600; name++) {
			new DepositAccount(customers, this.properties, "N" + name, new StopSignal())
				.commit(Operation.deposit(new BigDecimal("1.00")), null);
		}
		StopSignal stop = new StopSignal();
		List<Thread> committers = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			DepositAccount account = new DepositAccount(this.zk.connect(), this.properties, "N" + (i * 200), stop);
			Thread committer = new Thread(() -> {
				while (!stop.isStopped()) {
					account.commit(Operation.deposit(new BigDecimal("0.01")), null);
				}
			});
			committers.add(committer);
			committer.start();
		}
		List<DepositException.Problem> problems = new ArrayList<>();
		int answered = 0;
		try {
			long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
			while (System.nanoTime() < end) {
				try {
					assertThat(audit().report().conserved()).isTrue();
					answered++;
				}
				catch (DepositException ex) {
					problems.add(ex.problem());
				}
			}
		}
		finally {
			stop.stop();
			for (Thread committer : committers) {
				committer.join(10_000);
			}
		}

		System.out.printf("audit of 600 names under commits: %d answered, %d busy%n", answered, problems.size());
		assertThat(problems).allMatch((problem) -> problem == DepositException.Problem.AUDIT_BUSY);
		assertThat(audit().report().conserved()).isTrue();
	}

}
