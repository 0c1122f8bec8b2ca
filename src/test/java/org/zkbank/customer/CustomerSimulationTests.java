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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.zkbank.account.AuditReport;
import org.zkbank.account.CommitResult;
import org.zkbank.account.DepositAccount;
import org.zkbank.account.DepositAudit;
import org.zkbank.account.DepositSettings;
import org.zkbank.account.OperationResult;
import org.zkbank.account.Outcome;
import org.zkbank.account.StopSignal;
import org.zkbank.observability.BankMetrics;
import org.zkbank.support.TransactionLogOracle;
import org.zkbank.support.RealZooKeeper;
import org.zkbank.support.ZooKeeperTestClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many customers, each with its own session, operating as fast as they can on one real
 * server: the contention the reference customers lost money under. With several devices
 * per customer, their operations also share commits (group commit).
 */
class CustomerSimulationTests {

	/**
	 * The account's turn: a customer commits this many times in a row before it hands
	 * over to a waiter.
	 */
	private static final int SHORTEST_TURN = 64;

	@RegisterExtension
	final RealZooKeeper zk = RealZooKeeper.perTest();

	private final DepositSettings bank = ZooKeeperTestClients.properties("/bank_deposit");

	@ParameterizedTest(name = "{0} customers x {1} devices x {2} operations")
	@CsvSource({ "8, 1, 300", "3, 8, 100" })
	void everyOperationEndsCommittedOrRejectedAndNotACentIsCreatedOrLost(int customerCount, int devices, int operations)
			throws Exception {
		CustomerProperties noPauses = new CustomerProperties(List.of("unused"),
				new CustomerProperties.Pace(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, devices),
				new CustomerProperties.Amounts(new BigDecimal("1000.00")));
		MeterRegistry registry = new SimpleMeterRegistry();
		BankMetrics metrics = new BankMetrics(registry);
		StopSignal stop = new StopSignal();
		List<Customer> customers = new ArrayList<>();
		for (int i = 0; i < customerCount; i++) {
			String name = "Customer" + i;
			customers.add(Customer.of(this.zk.connect(), name, this.bank, noPauses, metrics, stop));
		}

		List<Receipt> results = new ArrayList<>();
		ExecutorService threads = Executors.newFixedThreadPool(customerCount * devices);
		try {
			List<Future<List<Receipt>>> runs = new ArrayList<>();
			for (Customer customer : customers) {
				for (int device = 0; device < devices; device++) {
					runs.add(threads.submit(() -> {
						List<Receipt> own = new ArrayList<>();
						for (int i = 0; i < operations; i++) {
							own.add(customer.operate());
						}
						return own;
					}));
				}
			}
			for (Future<List<Receipt>> run : runs) {
				results.addAll(run.get());
			}
		}
		finally {
			threads.shutdownNow();
		}

		assertThat(results).hasSize(customerCount * devices * operations)
			.allSatisfy(
					(receipt) -> assertThat(receipt.operation().outcome()).isIn(Outcome.COMMITTED, Outcome.REJECTED));
		assertThat(results).map(Receipt::operation)
			.filteredOn((result) -> result.outcome() == Outcome.REJECTED)
			.allSatisfy(
					(rejected) -> assertThat(rejected.operation().amount()).isGreaterThan(rejected.balanceBefore()));

		// Every balance version is exactly one commit: its operations take the balance
		// from where the last commit left it to where the commit says it ends, and never
		// below zero.
		Map<Integer, CommitResult> writes = new TreeMap<>();
		results.stream()
			.map(Receipt::commit)
			.filter(CommitResult::anyCommitted)
			.forEach((commit) -> assertThat(writes.putIfAbsent(commit.version(), commit)).isIn(null, commit));
		BigDecimal balance = new BigDecimal("1000");
		int expectedVersion = 1;
		for (Map.Entry<Integer, CommitResult> write : writes.entrySet()) {
			assertThat(write.getKey()).isEqualTo(expectedVersion++);
			for (OperationResult operation : committed(write.getValue())) {
				assertThat(operation.balanceBefore()).isNotNegative();
				assertThat(operation.balanceAfter()).isNotNegative()
					.isEqualByComparingTo(operation.operation()
						.type()
						.apply(operation.balanceBefore(), operation.operation().amount()));
				balance = operation.operation().type().apply(balance, operation.operation().amount());
			}
			assertThat(write.getValue().snapshot().balance()).isEqualByComparingTo(balance);
		}
		long committed = writes.values().stream().mapToLong((commit) -> committed(commit).size()).sum();
		int largestWrite = writes.values().stream().mapToInt((commit) -> committed(commit).size()).max().orElse(0);
		if (devices == 1) {
			assertThat(largestWrite).as("operations in the largest commit").isEqualTo(1);
		}
		else {
			assertThat(largestWrite).as("operations in the largest commit").isGreaterThan(1);
		}
		assertThat(registry.find("bank.commit.batch.size")
			.summaries()
			.stream()
			.mapToLong(DistributionSummary::count)
			.sum()).as("bank_commit_batch_size_count").isEqualTo(writes.size());
		double conflicts = registry.find("bank.conflicts").counters().stream().mapToDouble(Counter::count).sum();
		assertThat(conflicts).as("bank_conflicts_total").isPositive();

		AuditReport report = new DepositAudit(this.zk.connect(), this.bank).report();
		assertThat(report.balance()).isEqualByComparingTo(balance);
		assertThat(report.version()).isEqualTo(writes.size());
		assertThat(report.conserved()).isTrue();
		assertThat(report.customers().values().stream().mapToLong(AuditReport.CustomerAudit::operations).sum())
			.isEqualTo(committed);
		TransactionLogOracle.Verdict verdict = this.zk.oracle(this.bank)
			.check(results.stream().map(Receipt::commit).toList(), report, 0);
		assertThat(verdict.committedOperations()).isEqualTo(committed);
		System.out.printf(
				"simulation: %d customers x %d devices x %d operations: %d committed in %d writes "
						+ "(largest %d), %d rejected, %d conflicts, final balance %s%n%s%n",
				customerCount, devices, operations, committed, writes.size(), largestWrite, results.size() - committed,
				(long) conflicts, report.balance(), verdict);
	}

	@Test
	void customersWithoutPausesTakeTurnsInsteadOfOneTakingAll() throws Exception {
		int customerCount = 3;
		int total = 6 * SHORTEST_TURN * customerCount;
		CustomerProperties noPauses = new CustomerProperties(List.of("unused"),
				new CustomerProperties.Pace(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, 1),
				new CustomerProperties.Amounts(new BigDecimal("1000.00")));
		BankMetrics metrics = new BankMetrics(new SimpleMeterRegistry());
		StopSignal stop = new StopSignal();
		AtomicInteger committed = new AtomicInteger();
		List<Callable<List<Receipt>>> runs = new ArrayList<>();
		for (int i = 0; i < customerCount; i++) {
			String name = "Customer" + i;
			Customer customer = Customer.of(this.zk.connect(), name, this.bank, noPauses, metrics, stop);
			runs.add(() -> {
				List<Receipt> own = new ArrayList<>();
				while (committed.get() < total) {
					Receipt result = customer.operate();
					own.add(result);
					if (result.operation().committed()) {
						committed.incrementAndGet();
					}
				}
				return own;
			});
		}

		List<List<Receipt>> results = new ArrayList<>();
		ExecutorService threads = Executors.newFixedThreadPool(customerCount);
		try {
			for (Future<List<Receipt>> run : threads.invokeAll(runs)) {
				results.add(run.get());
			}
		}
		finally {
			threads.shutdownNow();
		}

		// without turns, the customer that wins first commits from its own snapshots and
		// keeps winning, while the others wait: their shares are near zero
		List<Long> shares = results.stream()
			.map((own) -> own.stream().filter((receipt) -> receipt.operation().committed()).count())
			.toList();
		System.out.printf("turns: %d customers without pauses committed %s%n", customerCount, shares);
		assertThat(results).allSatisfy((own) -> assertThat(own).extracting((receipt) -> receipt.operation().outcome())
			.doesNotContain(Outcome.FAILED));
		assertThat(shares).allSatisfy((share) -> assertThat(share).isGreaterThan(total / customerCount / 5));

		// turns are only advice: the log must still show each commit applied once
		AuditReport report = new DepositAudit(this.zk.connect(), this.bank).report();
		assertThat(report.conserved()).isTrue();
		TransactionLogOracle.Verdict verdict = this.zk.oracle(this.bank)
			.check(results.stream().flatMap(List::stream).map(Receipt::commit).toList(), report, 0);
		assertThat((long) verdict.committedOperations()).isEqualTo(shares.stream().mapToLong(Long::longValue).sum());
		System.out.println(verdict);
	}

	private static List<OperationResult> committed(CommitResult commit) {
		return commit.operations().stream().filter(OperationResult::committed).toList();
	}

}
