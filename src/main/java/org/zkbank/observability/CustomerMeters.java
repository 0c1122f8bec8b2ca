package org.zkbank.observability;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.zkbank.account.CommitResult;
import org.zkbank.account.CommitStats;
import org.zkbank.account.DepositException;
import org.zkbank.account.OperationResult;
import org.zkbank.account.OperationType;
import org.zkbank.account.Outcome;

/**
 * The meters of one customer. Prometheus names: {@code bank_conflicts_total},
 * {@code bank_retries_total}, {@code bank_operations_total{type,outcome}} (outcome
 * committed, rejected, failed or unknown), {@code bank_amount_total{type}},
 * {@code bank_balance}, {@code bank_operation_duration_seconds},
 * {@code bank_operation_attempts}, {@code bank_commit_batch_size},
 * {@code bank_ambiguous_commits_total}, {@code bank_turn_wait_seconds},
 * {@code bank_problems_total{problem}}. Money in meters is a double: exact money lives in
 * ZooKeeper and its audit, meters show trends.
 */
public final class CustomerMeters {

	private static final double[] ATTEMPT_BUCKETS = { 1, 2, 3, 4, 5, 7, 10, 15, 20, 50, 100 };

	private static final double[] BATCH_BUCKETS = { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024 };

	private final MeterRegistry registry;

	private final String customer;

	private final AtomicReference<BigDecimal> balance = new AtomicReference<>();

	private final Counter conflicts;

	private final Counter retries;

	private final Counter ambiguous;

	private final DistributionSummary attempts;

	private final DistributionSummary batchSize;

	private final Timer turnWait;

	private final Map<OperationType, Counter> amounts = new EnumMap<>(OperationType.class);

	private final Map<OperationType, Map<Outcome, Counter>> operations = new EnumMap<>(OperationType.class);

	private final Map<OperationType, Map<Outcome, Timer>> durations = new EnumMap<>(OperationType.class);

	CustomerMeters(MeterRegistry registry, String customer) {
		this.registry = registry;
		this.customer = customer;
		this.conflicts = counter("bank.conflicts", "Commits refused because another commit came first");
		this.retries = counter("bank.retries", "Commits sent again for the same operation");
		this.ambiguous = counter("bank.ambiguous.commits", "Commits whose result was lost and then resolved");
		this.attempts = DistributionSummary.builder("bank.operation.attempts")
			.description("Commits sent per operation")
			.tag("customer", customer)
			.serviceLevelObjectives(ATTEMPT_BUCKETS)
			.register(registry);
		this.batchSize = DistributionSummary.builder("bank.commit.batch.size")
			.description("Operations committed by one write (more than 1 with group commit)")
			.tag("customer", customer)
			.serviceLevelObjectives(BATCH_BUCKETS)
			.register(registry);
		this.turnWait = Timer.builder("bank.turn.wait")
			.description("Time a commit waited for its turn to write, after it lost a race or handed its turn over")
			.tag("customer", customer)
			.publishPercentileHistogram()
			.minimumExpectedValue(Duration.ofMillis(1))
			.maximumExpectedValue(Duration.ofSeconds(30))
			.register(registry);
		Gauge
			.builder("bank.balance", this.balance,
					(seen) -> (seen.get() != null) ? seen.get().doubleValue() : Double.NaN)
			.description("The last balance this customer saw")
			.tag("customer", customer)
			.register(registry);
		// every meter is made once, here, so recording an operation looks nothing up
		for (OperationType type : OperationType.values()) {
			this.amounts.put(type, counter("bank.amount", "Money committed", "type", type.tag()));
			Map<Outcome, Counter> counters = new EnumMap<>(Outcome.class);
			Map<Outcome, Timer> timers = new EnumMap<>(Outcome.class);
			for (Outcome outcome : Outcome.values()) {
				counters.put(outcome, counter("bank.operations", "Operations by how they ended", "type", type.tag(),
						"outcome", outcome.tag()));
				timers.put(outcome,
						Timer.builder("bank.operation.duration")
							.description("From the first commit of an operation to its outcome")
							.tags("customer", customer, "type", type.tag(), "outcome", outcome.tag())
							.publishPercentileHistogram()
							.minimumExpectedValue(Duration.ofMillis(1))
							.maximumExpectedValue(Duration.ofSeconds(30))
							.register(registry));
			}
			this.operations.put(type, counters);
			this.durations.put(type, timers);
		}
	}

	public void balanceSeen(BigDecimal balance) {
		this.balance.set(balance);
	}

	/** Records one commit: its figures once, and each operation's outcome. */
	public void record(CommitResult commit) {
		CommitStats stats = commit.stats();
		this.conflicts.increment(stats.conflicts());
		this.retries.increment(Math.max(0, stats.attempts() - 1));
		if (stats.ambiguous()) {
			this.ambiguous.increment();
		}
		if (!stats.turnWait().isZero()) {
			this.turnWait.record(stats.turnWait());
		}
		int committed = 0;
		for (OperationResult result : commit.operations()) {
			OperationType type = result.operation().type();
			this.operations.get(type).get(result.outcome()).increment();
			this.durations.get(type).get(result.outcome()).record(stats.duration());
			this.attempts.record(stats.attempts());
			if (result.committed()) {
				this.amounts.get(type).increment(result.operation().amount().doubleValue());
				committed++;
			}
		}
		if (committed > 0) {
			this.batchSize.record(committed);
		}
		BigDecimal after = commit.operations().get(commit.operations().size() - 1).balanceAfter();
		if (after != null) {
			this.balance.set(after);
		}
	}

	public void problem(DepositException.Problem problem) {
		counter("bank.problems", "Times the deposit was found unusable, or a defect was caught", "problem",
				problem.name().toLowerCase(Locale.ROOT))
			.increment();
	}

	private Counter counter(String name, String description, String... tags) {
		return Counter.builder(name)
			.description(description)
			.tag("customer", this.customer)
			.tags(tags)
			.register(this.registry);
	}

}
