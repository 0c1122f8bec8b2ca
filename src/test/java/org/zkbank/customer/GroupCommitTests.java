package org.zkbank.customer;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.zkbank.account.AuditReport;
import org.zkbank.account.CommitResult;
import org.zkbank.account.DepositAccount;
import org.zkbank.account.DepositAudit;
import org.zkbank.account.DepositSettings;
import org.zkbank.account.Operation;
import org.zkbank.account.OperationResult;
import org.zkbank.account.Outcome;
import org.zkbank.account.Snapshot;
import org.zkbank.account.StopSignal;
import org.zkbank.observability.BankMetrics;
import org.zkbank.support.LogCapture;
import org.zkbank.support.RealZooKeeper;
import org.zkbank.support.TransactionLogOracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Group commit behind a proxy that loses commits and replies: each device gets a
 * {@link Receipt} for its own operation inside the commit that carried it, and the
 * customer logs each operation once, from the device that submitted it, in agreement with
 * the meters and the audit. Real in-process ZooKeeper; no mocks.
 */
class GroupCommitTests {

	private static final Pattern LINE = Pattern
		.compile("^(\\S+) (deposit|withdraw) (\\S+) (committed|rejected|failed|outcome unknown)\\b");

	@RegisterExtension
	final RealZooKeeper zk = RealZooKeeper.perTest();

	/**
	 * Each operation is logged by its own device, from its Receipt, not by the device
	 * that made the commit. Four devices of Alice share commits behind a proxy that loses
	 * commits and replies, Bob commits meanwhile, and Alice is stopped mid-flight. Each
	 * operation must be logged exactly once with its own outcome: per outcome, as many
	 * lines as the meters counted (recorded once per commit by the committing device),
	 * one attempts sample per operation, the committed lines' amounts equal to what the
	 * audit holds for Alice (give or take the unknown ones), and the deposit conserved.
	 */
	@Test
	void everyOperationOfAGroupCommitIsLoggedOnceAndAgreesWithTheMetersAndTheAudit() throws Exception {
		DepositSettings settings = RealZooKeeper.properties(Duration.ofSeconds(3));
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		BankMetrics metrics = new BankMetrics(registry);
		StopSignal stopAlice = new StopSignal();
		StopSignal stopBob = new StopSignal();
		CustomerProperties alicePace = new CustomerProperties(List.of("unused"),
				new CustomerProperties.Pace(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofMillis(2), 4),
				new CustomerProperties.Amounts(new BigDecimal("100.00")));
		CustomerProperties bobPace = new CustomerProperties(List.of("unused"),
				new CustomerProperties.Pace(Duration.ZERO, Duration.ofMillis(3), Duration.ZERO, Duration.ofMillis(2),
						2),
				new CustomerProperties.Amounts(new BigDecimal("100.00")));
		Customer alice = Customer.of(this.zk.clients().connect(this.zk.proxy().connectString()), "Alice", settings,
				alicePace, metrics, stopAlice);
		Customer bob = Customer.of(this.zk.clients().connect(this.zk.server().connectString()), "Bob", settings,
				bobPace, metrics, stopBob);

		List<ILoggingEvent> lines;
		try (LogCapture captured = LogCapture.of(Customer.class, Level.INFO)) {
			Thread aliceThread = new Thread(alice::run, "alice-device");
			Thread bobThread = new Thread(bob::run, "bob-device");
			AtomicBoolean faulting = new AtomicBoolean(true);
			CompletableFuture<Void> faults = CompletableFuture.runAsync(() -> {
				Random random = new Random(7);
				while (faulting.get()) {
					try {
						Thread.sleep(700 + random.nextInt(800));
					}
					catch (InterruptedException ex) {
						return;
					}
					this.zk.proxy().loseNextCommitOrItsReply(random);
				}
			});
			aliceThread.start();
			bobThread.start();
			Thread.sleep(8000);
			// mid-flight: a lost reply being resolved ends unknown, and is logged so
			stopAlice.stop();
			aliceThread.join(60_000);
			faulting.set(false);
			faults.get(30, TimeUnit.SECONDS);
			stopBob.stop();
			bobThread.join(60_000);
			assertThat(aliceThread.isAlive()).isFalse();
			assertThat(bobThread.isAlive()).isFalse();
			lines = captured.events();
		}

		Map<Outcome, Integer> logged = new EnumMap<>(Outcome.class);
		Map<Outcome, Integer> loggedBob = new EnumMap<>(Outcome.class);
		BigDecimal[] committedLogged = { BigDecimal.ZERO, BigDecimal.ZERO };
		BigDecimal[] unknownLogged = { BigDecimal.ZERO, BigDecimal.ZERO };
		for (ILoggingEvent event : lines) {
			Matcher line = LINE.matcher(event.getFormattedMessage());
			if (!line.find()) {
				continue;
			}
			if (!line.group(4).equals("committed") && !line.group(4).equals("rejected")) {
				System.out
					.println("group commit, logging: [" + event.getThreadName() + "] " + event.getFormattedMessage());
			}
			Outcome outcome = switch (line.group(4)) {
				case "committed" -> Outcome.COMMITTED;
				case "rejected" -> Outcome.REJECTED;
				case "failed" -> Outcome.FAILED;
				default -> Outcome.UNKNOWN;
			};
			if (line.group(1).equals("Bob")) {
				loggedBob.merge(outcome, 1, Integer::sum);
				continue;
			}
			assertThat(line.group(1)).isEqualTo("Alice");
			assertThat(event.getThreadName())
				.as("Alice's line is logged by one of Alice's devices: %s", event.getFormattedMessage())
				.startsWith("alice-device");
			logged.merge(outcome, 1, Integer::sum);
			int type = line.group(2).equals("deposit") ? 0 : 1;
			BigDecimal amount = new BigDecimal(line.group(3));
			if (outcome == Outcome.COMMITTED) {
				committedLogged[type] = committedLogged[type].add(amount);
			}
			else if (outcome == Outcome.UNKNOWN) {
				unknownLogged[type] = unknownLogged[type].add(amount);
			}
		}
		AuditReport report = new DepositAudit(this.zk.zkCli(), settings).report();
		AuditReport.CustomerAudit audited = report.customers().get("Alice");
		long operations = 0;
		System.out.printf("group commit, logging: Alice logged %s, Bob logged %s; audit %s%n", logged, loggedBob,
				report);
		for (Outcome outcome : Outcome.values()) {
			long metered = (long) operations(registry, "Alice", outcome);
			operations += metered;
			assertThat((long) logged.getOrDefault(outcome, 0))
				.as("Alice's %s lines against bank_operations_total", outcome.tag())
				.isEqualTo(metered);
			assertThat((long) loggedBob.getOrDefault(outcome, 0))
				.as("Bob's %s lines against bank_operations_total", outcome.tag())
				.isEqualTo((long) operations(registry, "Bob", outcome));
		}
		assertThat(operations).as("Alice operated").isPositive();
		DistributionSummary attempts = registry.find("bank.operation.attempts").tag("customer", "Alice").summary();
		assertThat(attempts.count()).as("one attempts sample per operation").isEqualTo(operations);
		assertThat(report.conserved()).as(report.toString()).isTrue();
		assertThat(report.unexplainedWrites()).isZero();
		int committed = logged.getOrDefault(Outcome.COMMITTED, 0);
		int unknown = logged.getOrDefault(Outcome.UNKNOWN, 0);
		assertThat(audited.operations()).as("operations in Alice's audit entry")
			.isBetween((long) committed, (long) committed + unknown);
		assertThat(audited.deposited()).isBetween(committedLogged[0], committedLogged[0].add(unknownLogged[0]));
		assertThat(audited.withdrawn()).isBetween(committedLogged[1], committedLogged[1].add(unknownLogged[1]));
		double meteredDeposits = registry.find("bank.amount")
			.tags("customer", "Alice", "type", "deposit")
			.counter()
			.count();
		assertThat(meteredDeposits).isCloseTo(committedLogged[0].doubleValue(), within(0.005));
	}

	/**
	 * GroupCommit maps a commit's operations to its devices' Receipts by index. Six
	 * devices submit operations of amounts no other operation has, many of them
	 * withdrawals that do not fit (rejected alone), with fresh, stale or no bases, behind
	 * a proxy that loses commits and replies. Each device must get the result of its own
	 * operation, inside the very CommitResult the commit callback was told; each commit
	 * must hand out exactly as many receipts as it has operations; and the history must
	 * pass the transaction log oracle.
	 */
	@Test
	void eachDeviceGetsTheResultOfItsOwnOperationInsideTheCommitThatCarriedIt() throws Exception {
		DepositSettings settings = RealZooKeeper.properties(Duration.ofSeconds(2));
		DepositAccount alice = this.zk.behindProxy(settings, "Alice");
		List<CommitResult> told = Collections.synchronizedList(new ArrayList<>());
		Random faults = new Random(3);
		GroupCommit group = new GroupCommit(alice, (commit) -> {
			told.add(commit);
			// one commit in three or so meets a fault
			if (told.size() % 3 == 0) {
				this.zk.proxy().loseNextCommitOrItsReply(faults);
			}
		});
		List<Receipt> receipts = Collections.synchronizedList(new ArrayList<>());
		List<CompletableFuture<Void>> devices = new ArrayList<>();
		// one thread per device, whatever the cores
		ExecutorService threads = Executors.newFixedThreadPool(6);
		for (int d = 0; d < 6; d++) {
			int device = d;
			devices.add(CompletableFuture.runAsync(() -> {
				Random random = new Random(100 + device);
				Snapshot stale = null;
				for (int i = 0; i < 20; i++) {
					// unique amounts: cents d*100+i+1, on a whole part that says the kind
					BigDecimal cents = BigDecimal.valueOf(device * 100L + i + 1, 2).remainder(BigDecimal.ONE);
					Operation operation = (i % 3 == 0)
							? Operation.withdraw(new BigDecimal(800 + random.nextInt(900)).add(cents)
								.add(BigDecimal.valueOf(device * 10000L)))
							: Operation.deposit(new BigDecimal(1 + random.nextInt(50)).add(cents)
								.add(BigDecimal.valueOf(device * 10000L)));
					Snapshot basis = null;
					try {
						basis = switch (random.nextInt(3)) {
							case 0 -> alice.read();
							case 1 -> stale;
							default -> null;
						};
						if (stale == null || random.nextInt(4) == 0) {
							stale = alice.read();
						}
					}
					catch (RuntimeException ex) {
						// unavailable for a moment: no basis
					}
					Receipt receipt = group.commit(operation, basis);
					OperationResult mine = receipt.operation();
					assertThat(mine.operation()).as("device %d's receipt", device).isEqualTo(operation);
					assertThat(receipt.commit().operations()).as("the commit that carried it")
						.anyMatch((op) -> op == mine);
					receipts.add(receipt);
				}
			}, threads));
		}
		try {
			for (CompletableFuture<Void> device : devices) {
				device.get(120, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}

		Map<CommitResult, Integer> handedOut = new IdentityHashMap<>();
		for (Receipt receipt : receipts) {
			CommitResult carrying = receipt.commit();
			assertThat(told).as("the callback was told the commit the device got").anyMatch((c) -> c == carrying);
			handedOut.merge(carrying, 1, Integer::sum);
		}
		assertThat(receipts).hasSize(6 * 20);
		for (CommitResult commit : told) {
			assertThat(handedOut.get(commit)).as("receipts of commit %s", commit.id())
				.isEqualTo(commit.operations().size());
		}
		long grouped = told.stream().filter((commit) -> commit.operations().size() > 1).count();
		long lost = told.stream().filter((commit) -> commit.stats().ambiguous()).count();
		System.out.printf("group commit, receipts: %d operations in %d commits (%d of several operations, %d with a "
				+ "lost reply)%n", receipts.size(), told.size(), grouped, lost);
		assertThat(lost).as("commits that met a lost reply").isPositive();
		AuditReport report = new DepositAudit(this.zk.zkCli(), settings).report();
		assertThat(report.conserved()).as(report.toString()).isTrue();
		System.out.println(
				new TransactionLogOracle(settings, List.of(this.zk.server().dataDirectory())).check(told, report, 0));
	}

	private static double operations(SimpleMeterRegistry registry, String customer, Outcome outcome) {
		return registry.find("bank.operations")
			.tags("customer", customer, "outcome", outcome.tag())
			.counters()
			.stream()
			.mapToDouble(Counter::count)
			.sum();
	}

}
