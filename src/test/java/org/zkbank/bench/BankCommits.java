package org.zkbank.bench;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.zkbank.account.DepositAudit;
import org.zkbank.account.DepositProperties;
import org.zkbank.account.DepositSettings;
import org.zkbank.account.OperationResult;
import org.zkbank.account.Outcome;
import org.zkbank.account.RetryProperties;
import org.zkbank.account.StopSignal;
import org.zkbank.customer.BenchmarkCustomer;
import org.zkbank.observability.BankMetrics;
import org.zkbank.support.ZooKeeperTestClients;
import org.zkbank.zookeeper.ZooKeeperProperties;

/**
 * The customers' own code: {@code Customer.operate} with no pauses, the application's
 * retry settings, from the given number of devices (threads) per customer; money
 * conserved is the deposit's audit.
 */
record BankCommits(Duration duration, int devices) implements Workload {

	/** The label of one operation per commit (one device per customer). */
	static final String ONE_PER_COMMIT = "zk-bank commit (audited, exactly once)";

	@Override
	public String label() {
		return (this.devices == 1) ? ONE_PER_COMMIT : "zk-bank group commit, " + this.devices + " devices per customer";
	}

	/** The application's retry settings on the given deposit. */
	static DepositSettings bank(String depositPath) {
		return new DepositSettings(new DepositProperties(depositPath, new BigDecimal("1000")),
				new RetryProperties(Duration.ofMillis(10), Duration.ofSeconds(1), Duration.ofMinutes(1)),
				new ZooKeeperProperties.Auth("", ""));
	}

	/** A run on a deposit of its own. */
	@Override
	public Run run(String connectString, int clients) throws Exception {
		return run(connectString, clients, bank(DepositPaths.next()));
	}

	/** A run on the given deposit. */
	Run run(String connectString, int clients, DepositSettings bank) throws Exception {
		try (ZooKeeperTestClients sessions = new ZooKeeperTestClients()) {
			StopSignal stop = new StopSignal();
			List<BenchmarkCustomer> customers = new ArrayList<>();
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			BankMetrics metrics = new BankMetrics(registry);
			for (int i = 0; i < clients; i++) {
				String name = "Customer" + i;
				customers.add(new BenchmarkCustomer(sessions.connect(connectString), name, bank, this.devices, metrics,
						stop));
			}
			customers.get(0).operate(); // starts the audit outside the measured time
			double conflictsBefore = conflicts(registry);
			long writesBefore = writes(registry);
			AtomicLong giveUps = new AtomicLong();
			RunRecorder recorder = new RunRecorder(this.duration, clients, connectString);
			recorder.runThreads(this.devices, (client) -> {
				long started = System.nanoTime();
				OperationResult result = customers.get(client).operate();
				if (result.committed()) {
					recorder.committed(client, started);
				}
				else if (result.outcome() != Outcome.REJECTED) {
					giveUps.incrementAndGet(); // failed or unknown
				}
			});
			boolean conserved = new DepositAudit(sessions.connect(connectString), bank).report().conserved();
			// a conflict refuses a whole group commit: count it once, as the meter does
			return recorder.stop((long) (conflicts(registry) - conflictsBefore), giveUps.get(), conserved,
					writes(registry) - writesBefore);
		}
	}

	/** Commits that wrote: one per group of operations. */
	private static long writes(MeterRegistry registry) {
		return registry.find("bank.commit.batch.size").summaries().stream().mapToLong(DistributionSummary::count).sum();
	}

	private static double conflicts(MeterRegistry registry) {
		return registry.find("bank.conflicts").counters().stream().mapToDouble(Counter::count).sum();
	}

}
