package org.zkbank.customer;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.zkbank.account.AuditReport;
import org.zkbank.account.BankProperties;
import org.zkbank.account.CommitResult;
import org.zkbank.account.CommitResult.Outcome;
import org.zkbank.account.DepositAccount;
import org.zkbank.account.DepositAudit;
import org.zkbank.account.StopSignal;
import org.zkbank.observability.BankMetrics;
import org.zkbank.support.ZooKeeperTestClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many customers, each with its own session, operating as fast as they can on one real server:
 * the contention the reference customers lost money under.
 */
class CustomerSimulationTests {

	private static final int CUSTOMERS = 8;

	private static final int OPERATIONS = 300;

	private final ZooKeeperTestClients clients = new ZooKeeperTestClients();

	private final BankProperties bank = ZooKeeperTestClients.properties("/bank_deposit", 1_000);

	private final CustomerProperties noPauses = new CustomerProperties(List.of("unused"),
			new CustomerProperties.Pace(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO),
			new CustomerProperties.Amounts(new BigDecimal("1000.00")));

	private TestingServer server;

	@BeforeEach
	void startServer() throws Exception {
		this.server = new TestingServer(true);
	}

	@AfterEach
	void stopServer() throws Exception {
		this.clients.close();
		this.server.close();
	}

	@Test
	void everyOperationEndsCommittedOrRejectedAndNotACentIsCreatedOrLost() throws Exception {
		List<Customer> customers = new ArrayList<>();
		BankMetrics metrics = new BankMetrics(new SimpleMeterRegistry());
		StopSignal stop = new StopSignal();
		for (int i = 0; i < CUSTOMERS; i++) {
			String name = "Customer" + i;
			DepositAccount account = new DepositAccount(this.clients.connect(this.server.getConnectString()),
					this.bank, name, stop);
			customers.add(new Customer(account, this.noPauses, metrics.forCustomer(name), stop, Duration.ofMillis(10)));
		}

		List<CommitResult> results = new ArrayList<>();
		ExecutorService threads = Executors.newFixedThreadPool(CUSTOMERS);
		try {
			List<Future<List<CommitResult>>> runs = new ArrayList<>();
			for (Customer customer : customers) {
				runs.add(threads.submit(() -> {
					List<CommitResult> own = new ArrayList<>();
					for (int i = 0; i < OPERATIONS; i++) {
						own.add(customer.operate());
					}
					return own;
				}));
			}
			for (Future<List<CommitResult>> run : runs) {
				results.addAll(run.get());
			}
		}
		finally {
			threads.shutdownNow();
		}

		assertThat(results).hasSize(CUSTOMERS * OPERATIONS)
			.allSatisfy((result) -> assertThat(result.outcome()).isIn(Outcome.COMMITTED, Outcome.REJECTED));
		assertThat(results.stream().mapToInt(CommitResult::conflicts).sum()).isPositive();

		// Every balance version is exactly one of these commits, each starting where the last ended.
		List<CommitResult> commits = results.stream()
			.filter(CommitResult::committed)
			.sorted(Comparator.comparingInt(CommitResult::version))
			.toList();
		BigDecimal balance = new BigDecimal("1000");
		for (int i = 0; i < commits.size(); i++) {
			CommitResult commit = commits.get(i);
			assertThat(commit.version()).isEqualTo(i + 1);
			assertThat(commit.balanceBefore()).isEqualByComparingTo(balance);
			assertThat(commit.balanceAfter()).isNotNegative();
			balance = commit.operation().type().apply(balance, commit.operation().amount());
			assertThat(commit.balanceAfter()).isEqualByComparingTo(balance);
		}

		AuditReport report = new DepositAudit(this.clients.connect(this.server.getConnectString()), this.bank).report();
		assertThat(report.balance()).isEqualByComparingTo(balance);
		assertThat(report.version()).isEqualTo(commits.size());
		assertThat(report.conserved()).isTrue();
		assertThat(report.customers().values().stream().mapToLong(AuditReport.CustomerAudit::operations).sum())
			.isEqualTo(commits.size());
		System.out.printf("simulation: %d customers x %d operations: %d committed, %d rejected, %d conflicts, "
				+ "final balance %s%n", CUSTOMERS, OPERATIONS, commits.size(), results.size() - commits.size(),
				results.stream().mapToInt(CommitResult::conflicts).sum(), report.balance());
	}

}
