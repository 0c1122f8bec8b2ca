package org.zkbank.customer;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.zkbank.account.AuditReport;
import org.zkbank.account.CommitResult.Outcome;
import org.zkbank.account.CommitResult;
import org.zkbank.account.DepositAccount;
import org.zkbank.account.DepositAudit;
import org.zkbank.account.DepositSettings;
import org.zkbank.account.StopSignal;
import org.zkbank.observability.BankMetrics;
import org.zkbank.support.TransactionLogOracle;
import org.zkbank.support.ZooKeeperTestClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many customers, each with its own session, operating as fast as they can on one real server:
 * the contention the reference customers lost money under. With several devices per customer,
 * their operations also share commits (group commit).
 */
class CustomerSimulationTests {

	private final ZooKeeperTestClients clients = new ZooKeeperTestClients();

	private final DepositSettings bank = ZooKeeperTestClients.properties("/bank_deposit");

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

	@ParameterizedTest(name = "{0} customers x {1} devices x {2} operations")
	@CsvSource({ "8, 1, 300", "3, 8, 100" })
	void everyOperationEndsCommittedOrRejectedAndNotACentIsCreatedOrLost(int customerCount, int devices,
			int operations) throws Exception {
		CustomerProperties noPauses = new CustomerProperties(List.of("unused"),
				new CustomerProperties.Pace(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, devices),
				new CustomerProperties.Amounts(new BigDecimal("1000.00")));
		MeterRegistry registry = new SimpleMeterRegistry();
		BankMetrics metrics = new BankMetrics(registry);
		StopSignal stop = new StopSignal();
		List<Customer> customers = new ArrayList<>();
		for (int i = 0; i < customerCount; i++) {
			String name = "Customer" + i;
			DepositAccount account = new DepositAccount(this.clients.connect(this.server.getConnectString()),
					this.bank, name, stop);
			customers.add(new Customer(account, noPauses, metrics.forCustomer(name), stop, Duration.ofMillis(10)));
		}

		List<CommitResult> results = new ArrayList<>();
		ExecutorService threads = Executors.newFixedThreadPool(customerCount * devices);
		try {
			List<Future<List<CommitResult>>> runs = new ArrayList<>();
			for (Customer customer : customers) {
				for (int device = 0; device < devices; device++) {
					runs.add(threads.submit(() -> {
						List<CommitResult> own = new ArrayList<>();
						for (int i = 0; i < operations; i++) {
							own.add(customer.operate());
						}
						return own;
					}));
				}
			}
			for (Future<List<CommitResult>> run : runs) {
				results.addAll(run.get());
			}
		}
		finally {
			threads.shutdownNow();
		}

		assertThat(results).hasSize(customerCount * devices * operations)
			.allSatisfy((result) -> assertThat(result.outcome()).isIn(Outcome.COMMITTED, Outcome.REJECTED));
		assertThat(results).filteredOn((result) -> result.outcome() == Outcome.REJECTED)
			.allSatisfy((rejected) -> assertThat(rejected.operation().amount()).isGreaterThan(rejected.balanceBefore()));

		// Every balance version is exactly one commit: its operations take the balance from where
		// the last commit left it to where the commit says it ends, and never below zero.
		Map<Integer, List<CommitResult>> writes = new TreeMap<>();
		results.stream()
			.filter(CommitResult::committed)
			.forEach((commit) -> writes.computeIfAbsent(commit.version(), (version) -> new ArrayList<>()).add(commit));
		BigDecimal balance = new BigDecimal("1000");
		int expectedVersion = 1;
		for (Map.Entry<Integer, List<CommitResult>> write : writes.entrySet()) {
			assertThat(write.getKey()).isEqualTo(expectedVersion++);
			for (CommitResult commit : write.getValue()) {
				assertThat(commit.balanceBefore()).isNotNegative();
				assertThat(commit.balanceAfter()).isNotNegative()
					.isEqualByComparingTo(commit.operation().type().apply(commit.balanceBefore(),
							commit.operation().amount()));
				balance = commit.operation().type().apply(balance, commit.operation().amount());
			}
			assertThat(write.getValue().get(0).snapshot().balance()).isEqualByComparingTo(balance);
		}
		long committed = writes.values().stream().mapToLong(List::size).sum();
		int largestWrite = writes.values().stream().mapToInt(List::size).max().orElse(0);
		if (devices == 1) {
			assertThat(largestWrite).as("operations in the largest commit").isEqualTo(1);
		}
		else {
			assertThat(largestWrite).as("operations in the largest commit").isGreaterThan(1);
		}
		assertThat(registry.find("bank.commit.batch.size").summaries().stream().mapToLong(DistributionSummary::count).sum())
			.as("bank_commit_batch_size_count").isEqualTo(writes.size());
		double conflicts = registry.find("bank.conflicts").counters().stream().mapToDouble(Counter::count).sum();
		assertThat(conflicts).as("bank_conflicts_total").isPositive();

		AuditReport report = new DepositAudit(this.clients.connect(this.server.getConnectString()), this.bank).report();
		assertThat(report.balance()).isEqualByComparingTo(balance);
		assertThat(report.version()).isEqualTo(writes.size());
		assertThat(report.conserved()).isTrue();
		assertThat(report.customers().values().stream().mapToLong(AuditReport.CustomerAudit::operations).sum())
			.isEqualTo(committed);
		TransactionLogOracle.Verdict verdict = new TransactionLogOracle(this.bank,
				List.of(this.server.getTempDirectory()))
			.check(results, report, 0);
		assertThat(verdict.committedOperations()).isEqualTo(committed);
		System.out.printf("simulation: %d customers x %d devices x %d operations: %d committed in %d writes "
				+ "(largest %d), %d rejected, %d conflicts, final balance %s%n%s%n", customerCount, devices, operations,
				committed, writes.size(), largestWrite, results.size() - committed, (long) conflicts, report.balance(),
				verdict);
	}

	@Test
	void customersWithoutPausesTakeTurnsInsteadOfOneTakingAll() throws Exception {
		int customerCount = 3;
		int total = 6 * DepositAccount.SHORTEST_TURN * customerCount;
		CustomerProperties noPauses = new CustomerProperties(List.of("unused"),
				new CustomerProperties.Pace(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, 1),
				new CustomerProperties.Amounts(new BigDecimal("1000.00")));
		BankMetrics metrics = new BankMetrics(new SimpleMeterRegistry());
		StopSignal stop = new StopSignal();
		AtomicInteger committed = new AtomicInteger();
		List<Callable<List<CommitResult>>> runs = new ArrayList<>();
		for (int i = 0; i < customerCount; i++) {
			String name = "Customer" + i;
			Customer customer = new Customer(new DepositAccount(this.clients.connect(this.server.getConnectString()),
					this.bank, name, stop), noPauses, metrics.forCustomer(name), stop, Duration.ofMillis(10));
			runs.add(() -> {
				List<CommitResult> own = new ArrayList<>();
				while (committed.get() < total) {
					CommitResult result = customer.operate();
					own.add(result);
					if (result.committed()) {
						committed.incrementAndGet();
					}
				}
				return own;
			});
		}

		List<List<CommitResult>> results = new ArrayList<>();
		ExecutorService threads = Executors.newFixedThreadPool(customerCount);
		try {
			for (Future<List<CommitResult>> run : threads.invokeAll(runs)) {
				results.add(run.get());
			}
		}
		finally {
			threads.shutdownNow();
		}

		// without turns, the customer that wins first commits from its own snapshots and keeps
		// winning, while the others wait: their shares are near zero
		List<Long> shares = results.stream().map((own) -> own.stream().filter(CommitResult::committed).count()).toList();
		System.out.printf("turns: %d customers without pauses committed %s%n", customerCount, shares);
		assertThat(results).allSatisfy((own) -> assertThat(own).extracting(CommitResult::outcome)
			.doesNotContain(Outcome.FAILED));
		assertThat(shares).allSatisfy((share) -> assertThat(share).isGreaterThan(total / customerCount / 5));
	}

}
