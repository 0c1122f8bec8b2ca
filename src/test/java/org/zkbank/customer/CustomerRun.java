package org.zkbank.customer;

import java.io.File;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.curator.framework.CuratorFramework;

import org.zkbank.account.AuditReport;

import org.zkbank.account.CommitResult;
import org.zkbank.account.DepositAccount;
import org.zkbank.account.DepositAudit;
import org.zkbank.account.DepositException;
import org.zkbank.account.DepositSettings;
import org.zkbank.account.Outcome;
import org.zkbank.account.StopSignal;
import org.zkbank.observability.BankMetrics;
import org.zkbank.support.TransactionLogOracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Customers operating at a fast pace, each on its own thread and session, recording every
 * outcome; then the checks of the Jepsen bank workload, from what was recorded and from
 * the audit.
 */
final class CustomerRun implements AutoCloseable {

	private final DepositSettings bank;

	private final CustomerProperties customers;

	private final List<Recorded> results = Collections.synchronizedList(new ArrayList<>());

	private final List<Running> running = new ArrayList<>();

	/**
	 * @param pause the longest wait before an operation, and twice the longest think time
	 */
	CustomerRun(DepositSettings bank, Duration pause) {
		this.bank = bank;
		this.customers = new CustomerProperties(List.of("unused"),
				new CustomerProperties.Pace(Duration.ZERO, pause, Duration.ZERO, pause.dividedBy(2), 1),
				new CustomerProperties.Amounts(new BigDecimal("100.00")));
	}

	/** A commit of one operation and who made it. */
	record Recorded(String customer, CommitResult result) {
	}

	/**
	 * One customer instance: its session, its own stop signal (to kill it alone) and its
	 * thread.
	 */
	record Running(String name, CuratorFramework client, StopSignal stop, Thread thread) {

		/**
		 * Ends this instance alone; an operation it cannot resolve is left to the audit,
		 * as in a crash.
		 */
		void kill() throws InterruptedException {
			this.stop.stop();
			this.thread.join(30_000);
			this.client.close();
		}

	}

	Running start(String name, CuratorFramework client) {
		StopSignal stop = new StopSignal();
		Customer customer = Customer.of(client, name, this.bank, this.customers,
				new BankMetrics(new SimpleMeterRegistry()), stop);
		CustomerProperties.Pace pace = this.customers.pace();
		Thread thread = new Thread(() -> {
			while (stop
				.pause(Duration.ofNanos(ThreadLocalRandom.current().nextLong(pace.intervalMax().toNanos() + 1)))) {
				try {
					Receipt receipt = customer.operate();
					if (receipt != null) {
						this.results.add(new Recorded(name, receipt.commit()));
					}
				}
				catch (DepositException ex) {
					stop.pause(Duration.ofMillis(20));
				}
			}
		}, "customer-" + name);
		Running instance = new Running(name, client, stop, thread);
		this.running.add(instance);
		thread.start();
		return instance;
	}

	/** Waits until the customers together commit this many more operations. */
	void awaitCommits(int more, Duration timeout) {
		long target = committed().size() + more;
		await().atMost(timeout).until(() -> committed().size() >= target);
	}

	/** Waits until every named customer has committed since now. */
	void awaitEachCommits(List<String> names, Duration timeout) {
		Map<String, Long> before = commitsByCustomer();
		await().atMost(timeout)
			.until(() -> names.stream()
				.allMatch((name) -> commitsByCustomer().getOrDefault(name, 0L) > before.getOrDefault(name, 0L)));
	}

	@Override
	public void close() throws InterruptedException {
		this.running.forEach((instance) -> instance.stop().stop());
		for (Running instance : this.running) {
			instance.thread().join(30_000);
		}
	}

	/**
	 * Stops every customer, then checks: the audit is conserved; every committed
	 * operation has a version of its own, each starting from the balance the previous one
	 * left, never negative; the only versions no recorded commit explains belong to the
	 * customers killed mid-commit (their last operation was applied but never reported),
	 * at most one each, or to operations whose outcome is unknown; the audit's count of
	 * each customer's operations matches what was recorded; with no kill and no unknown,
	 * the recorded commits add up to the balance on their own. Then the
	 * {@link TransactionLogOracle} checks the whole history against the servers'
	 * transaction logs.
	 * @param logs the data directory of each server
	 * @return how many operations were applied but never reported (killed mid-commit)
	 */
	long verify(String fault, DepositAudit audit, Set<String> killedMidCommit, Collection<File> logs)
			throws InterruptedException {
		close();
		AuditReport report = audit.report();
		Map<String, Long> unknown = outcomesByCustomer(Outcome.UNKNOWN);
		List<CommitResult> commits = committed().stream()
			.sorted(Comparator.comparingInt(CommitResult::version))
			.toList();

		assertThat(report.conserved()).as("audit conserved: " + report).isTrue();
		assertThat(commits.stream().map(CommitResult::version).distinct().count()).as("one commit per version")
			.isEqualTo(commits.size());
		assertThat(commits).allSatisfy((commit) -> assertThat(commit.single().balanceAfter()).isNotNegative());
		for (int i = 1; i < commits.size(); i++) {
			CommitResult previous = commits.get(i - 1);
			CommitResult commit = commits.get(i);
			if (commit.version() == previous.version() + 1) {
				assertThat(commit.single().balanceBefore())
					.as("version %d starts where %d ended", commit.version(), previous.version())
					.isEqualByComparingTo(previous.single().balanceAfter());
			}
		}
		Map<String, Long> recorded = commitsByCustomer();
		long unexplained = 0;
		for (Map.Entry<String, AuditReport.CustomerAudit> customer : report.customers().entrySet()) {
			long unreported = customer.getValue().operations() - recorded.getOrDefault(customer.getKey(), 0L);
			assertThat(unreported).as("operations of %s in the audit but not recorded", customer.getKey())
				.isBetween(0L, (killedMidCommit.contains(customer.getKey()) ? 1L : 0L)
						+ unknown.getOrDefault(customer.getKey(), 0L));
			unexplained += unreported;
		}
		assertThat(report.version() - report.openingVersion() - commits.size())
			.as("applied versions no recorded commit explains")
			.isEqualTo(unexplained);
		if (killedMidCommit.isEmpty() && unknown.isEmpty()) {
			BigDecimal expected = report.openingBalance();
			for (CommitResult commit : commits) {
				expected = commit.single().operation().type().apply(expected, commit.single().operation().amount());
			}
			assertThat(report.balance()).as("independent sum of recorded commits").isEqualByComparingTo(expected);
		}
		print(fault, report, commits.size(), unexplained);
		TransactionLogOracle.Verdict verdict = new TransactionLogOracle(this.bank, logs).check(results(), report,
				killedMidCommit.size());
		System.out.printf("fault test [%s]: %s%n", fault, verdict);
		return unexplained;
	}

	List<CommitResult> results() {
		synchronized (this.results) {
			return this.results.stream().map(Recorded::result).toList();
		}
	}

	Map<String, Long> commitsByCustomer() {
		return outcomesByCustomer(Outcome.COMMITTED);
	}

	private Map<String, Long> outcomesByCustomer(Outcome outcome) {
		synchronized (this.results) {
			return this.results.stream()
				.filter((recorded) -> recorded.result().single().outcome() == outcome)
				.collect(Collectors.groupingBy(Recorded::customer, TreeMap::new, Collectors.counting()));
		}
	}

	private List<CommitResult> committed() {
		return results().stream().filter(CommitResult::anyCommitted).toList();
	}

	private void print(String fault, AuditReport report, int committed, long unreported) {
		List<CommitResult> all = results();
		long rejected = all.stream().filter((result) -> result.single().outcome() == Outcome.REJECTED).count();
		long failed = all.stream().filter((result) -> result.single().outcome() == Outcome.FAILED).count();
		long unknown = all.stream().filter((result) -> result.single().outcome() == Outcome.UNKNOWN).count();
		System.out.printf(
				"fault test [%s]: %d operations: %d committed, %d rejected, %d failed, %d unknown, %d applied "
						+ "but unreported (killed or unknown); %d conflicts, %d with a lost reply, max %d attempts; "
						+ "balance %s at version %d, conserved%n",
				fault, all.size(), committed, rejected, failed, unknown, unreported,
				all.stream().mapToInt((result) -> result.stats().conflicts()).sum(),
				all.stream().filter((result) -> result.stats().ambiguous()).count(),
				all.stream().mapToInt((result) -> result.stats().attempts()).max().orElse(0), report.balance(),
				report.version());
		System.out.printf("fault test [%s]: commits per customer %s; failed or unknown because %s%n", fault,
				commitsByCustomer(),
				all.stream()
					.filter((result) -> result.single().outcome() == Outcome.FAILED
							|| result.single().outcome() == Outcome.UNKNOWN)
					.collect(Collectors.groupingBy((result) -> result.single().reason(), TreeMap::new,
							Collectors.counting())));
	}

}
