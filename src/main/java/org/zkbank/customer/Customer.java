package org.zkbank.customer;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.zkbank.account.CommitResult;
import org.zkbank.account.CommitStats;
import org.zkbank.account.DepositAccount;
import org.zkbank.account.DepositException;
import org.zkbank.account.DepositSettings;
import org.zkbank.account.Money;
import org.zkbank.account.Operation;
import org.zkbank.account.OperationResult;
import org.zkbank.account.Outcome;
import org.zkbank.account.Snapshot;
import org.zkbank.account.StopSignal;
import org.zkbank.observability.BankMetrics;
import org.zkbank.observability.CustomerMeters;

/**
 * One simulated customer: waits, reads the balance, thinks, then deposits or withdraws a
 * random amount, and logs one line per operation. With
 * {@code bank.customers.pace.concurrency} above 1 it does so from that many devices
 * (threads) at once, whose waiting operations share commits ({@link GroupCommit}). All
 * ZooKeeper work is the {@link DepositAccount}'s.
 */
final class Customer {

	private static final Logger log = LoggerFactory.getLogger(Customer.class);

	private final DepositAccount account;

	private final CustomerProperties.Pace pace;

	private final BigDecimal maxDeposit;

	private final CustomerMeters meters;

	private final StopSignal stop;

	private final Duration problemWait;

	private final GroupCommit commits;

	/**
	 * What the customer knows; after its own commit with no wait since, it needs no read.
	 */
	private volatile Snapshot view;

	/** The problem last logged, to log each one once. */
	private DepositException reported;

	/** An unexpected error of the last operation, until one succeeds. */
	private volatile DepositException internal;

	/** Why a device ended other than by a stop; it does not come back. */
	private volatile DepositException deviceEnded;

	private Customer(DepositAccount account, CustomerProperties properties, CustomerMeters meters, StopSignal stop,
			Duration problemWait) {
		this.account = account;
		this.pace = properties.pace();
		this.maxDeposit = properties.amounts().maxDeposit();
		this.meters = meters;
		this.stop = stop;
		this.problemWait = problemWait;
		this.commits = new GroupCommit(account, this::committed);
	}

	/**
	 * The customer {@code name} on the given session: its own {@link DepositAccount}, its
	 * meters, and {@code bank.retry.max-backoff} between tries while the deposit cannot
	 * be used.
	 */
	static Customer of(CuratorFramework client, String name, DepositSettings settings, CustomerProperties properties,
			BankMetrics metrics, StopSignal stop) {
		return new Customer(new DepositAccount(client, settings, name, stop), properties, metrics.forCustomer(name),
				stop, settings.retry().maxBackoff());
	}

	String name() {
		return this.account.customer();
	}

	/** Why the customer cannot work now, or {@code null} when it can. */
	DepositException problem() {
		DepositException ended = this.deviceEnded;
		DepositException unexpected = this.internal;
		return (ended != null) ? ended : (unexpected != null) ? unexpected : this.account.problem();
	}

	/**
	 * Operates from each device until stopped. A deposit it cannot use is waited out, and
	 * an unexpected error is reported and paused on: nothing but a stop ends a device.
	 */
	void run() {
		List<Thread> devices = new ArrayList<>();
		for (int i = 2; i <= this.pace.concurrency(); i++) {
			Thread device = new Thread(this::operateUntilStopped, Thread.currentThread().getName() + "-" + i);
			devices.add(device);
			device.start();
		}
		try {
			operateUntilStopped();
		}
		finally {
			for (Thread device : devices) {
				try {
					device.join();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}
	}

	private void operateUntilStopped() {
		try {
			while (this.stop.pause(between(this.pace.intervalMin(), this.pace.intervalMax()))) {
				try {
					Receipt receipt = operate();
					if (receipt != null) {
						log(receipt);
					}
					this.internal = null;
				}
				catch (DepositException ex) {
					reportProblem(ex);
					this.stop.pause(this.problemWait);
				}
				catch (RuntimeException ex) {
					unexpected(ex);
					this.stop.pause(this.problemWait);
				}
			}
		}
		catch (Error ex) {
			this.deviceEnded = new DepositException(DepositException.Problem.INTERNAL,
					Thread.currentThread().getName() + " ended: " + ex, ex);
			log.error("{}: {}", name(), this.deviceEnded.getMessage(), ex);
			throw ex;
		}
	}

	/**
	 * One operation: read (unless its own last commit is still fresh), think, choose,
	 * commit. Devices may call it at once.
	 * @return how it ended, or {@code null} if stopped while thinking (nothing was sent)
	 * @throws DepositException when the balance cannot be read
	 */
	Receipt operate() {
		Snapshot seen = this.view;
		if (seen == null || !this.pace.intervalMax().isZero()) {
			seen = this.account.read();
			this.view = seen;
		}
		this.meters.balanceSeen(seen.balance());
		reportProblem(null);
		if (!this.stop.pause(between(this.pace.thinkMin(), this.pace.thinkMax()))) {
			return null;
		}
		return this.commits.commit(choose(seen.balance()), seen);
	}

	/**
	 * Reports a defect: logged with its stack once while it repeats, counted each time,
	 * shown in health.
	 */
	private void unexpected(RuntimeException ex) {
		DepositException previous = this.internal;
		DepositException current = new DepositException(DepositException.Problem.INTERNAL, "unexpected error: " + ex,
				ex);
		if (previous == null || !previous.getMessage().equals(current.getMessage())) {
			log.error("{}: unexpected error, going on after {}", name(), this.problemWait, ex);
		}
		this.internal = current;
		reportProblem(current);
	}

	/** Takes in the result of one commit, before its devices see it. */
	private void committed(CommitResult result) {
		this.view = result.snapshot();
		this.meters.record(result);
		DepositException problem = this.account.problem();
		if (problem != null && problem.problem() == DepositException.Problem.INTERNAL) {
			reportProblem(problem); // the account logged it with its stack
		}
	}

	/**
	 * A deposit of up to the largest deposit, or a withdrawal of up to the balance, in
	 * cents.
	 */
	private Operation choose(BigDecimal balance) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		BigInteger availableCents = balance.setScale(2, RoundingMode.DOWN).unscaledValue();
		if (availableCents.signum() > 0 && random.nextBoolean()) {
			return Operation.withdraw(new BigDecimal(centsUpTo(availableCents, random), 2));
		}
		return Operation
			.deposit(new BigDecimal(centsUpTo(this.maxDeposit.movePointRight(2).toBigInteger(), random), 2));
	}

	/**
	 * From 1 to the given number of cents, whatever its size (a balance may have 30
	 * digits).
	 */
	private static BigInteger centsUpTo(BigInteger cents, Random random) {
		return new BigInteger(cents.bitLength() + 16, random).mod(cents).add(BigInteger.ONE);
	}

	/** One line per operation, with the figures of the commit that carried it. */
	private void log(Receipt receipt) {
		OperationResult result = receipt.operation();
		boolean settled = result.committed() || result.outcome() == Outcome.REJECTED;
		if (settled ? !log.isInfoEnabled() : !log.isWarnEnabled()) {
			// the line costs more than a commit's bookkeeping: build it only to print it
			return;
		}
		CommitStats stats = receipt.commit().stats();
		String figures = "(version %d, attempts %d, conflicts %d%s)".formatted(receipt.commit().version(),
				stats.attempts(), stats.conflicts(), stats.ambiguous() ? ", reply lost" : "");
		switch (result.outcome()) {
			case COMMITTED -> log.info("{} {} committed: balance {} -> {} {}", name(), result.operation(),
					Money.format(result.balanceBefore()), Money.format(result.balanceAfter()), figures);
			case REJECTED -> log.info("{} {} rejected, {} {}", name(), result.operation(), result.reason(), figures);
			case FAILED ->
				log.warn("{} {} failed, not applied: {} {}", name(), result.operation(), result.reason(), figures);
			case UNKNOWN -> log.warn("{} {} outcome unknown: {}; applied once or not at all, never sent again {}",
					name(), result.operation(), result.reason(), figures);
		}
	}

	/**
	 * Logs a problem once when it starts and once when it ends, and counts each
	 * occurrence.
	 */
	private synchronized void reportProblem(DepositException current) {
		DepositException previous = this.reported;
		this.reported = current;
		if (current != null && current != previous) {
			this.view = null;
			this.meters.problem(current.problem());
		}
		boolean changed = (previous == null) ? current != null
				: current == null || previous.problem() != current.problem()
						|| !Objects.equals(previous.getMessage(), current.getMessage());
		if (!changed) {
			return;
		}
		if (current == null) {
			log.info("{} resumed: the deposit is usable again", name());
		}
		else if (current.problem() == DepositException.Problem.INTERNAL) {
			return; // logged with its stack where it was caught
		}
		else if (current.problem() == DepositException.Problem.ZOOKEEPER_UNAVAILABLE) {
			log.warn("{} is waiting: {}", name(), current.getMessage());
		}
		else {
			log.error("{} is waiting for an operator: {}", name(), current.getMessage());
		}
	}

	private static Duration between(Duration min, Duration max) {
		long spread = max.toNanos() - min.toNanos();
		return (spread == 0) ? min : min.plusNanos(ThreadLocalRandom.current().nextLong(spread + 1));
	}

}
