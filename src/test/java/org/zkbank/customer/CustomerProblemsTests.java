package org.zkbank.customer;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.zkbank.account.AuditReport;
import org.zkbank.account.DepositAccount;
import org.zkbank.account.DepositAudit;
import org.zkbank.account.DepositException.Problem;
import org.zkbank.account.DepositSettings;
import org.zkbank.account.StopSignal;
import org.zkbank.observability.BankMetrics;
import org.zkbank.support.RealZooKeeper;
import org.zkbank.support.ZooKeeperTestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A running customer facing a deposit it cannot use: it reports, waits and resumes, and
 * overwrites nothing.
 */
class CustomerProblemsTests {

	/**
	 * Ticks of 3 s, as curator-test's server has: a client's session of 15 s outlives a
	 * restart.
	 */
	@RegisterExtension
	final RealZooKeeper zk = RealZooKeeper.perTest().tickTime(3_000);

	private final DepositSettings bank = ZooKeeperTestClients.properties("/bank_deposit");

	private final CustomerProperties fast = new CustomerProperties(List.of("Alice"),
			new CustomerProperties.Pace(Duration.ofMillis(5), Duration.ofMillis(20), Duration.ZERO, Duration.ZERO, 1),
			new CustomerProperties.Amounts(new BigDecimal("10.00")));

	private final FailingMeterRegistry registry = new FailingMeterRegistry();

	private final StopSignal stop = new StopSignal();

	private Thread running;

	@AfterEach
	void stopTheCustomer() throws Exception {
		this.stop.stop();
		if (this.running != null) {
			this.running.join(10_000);
		}
	}

	@Test
	void aCorruptBalanceIsReportedAndLeftAloneUntilItIsValidAgain() throws Exception {
		Customer alice = start();
		await().until(() -> operations() > 0);
		this.zk.zkCli().setData().forPath("/bank_deposit", bytes("abc"));

		await().until(() -> alice.problem() != null && alice.problem().problem() == Problem.CORRUPT_BALANCE);
		Thread.sleep(200); // the customer keeps trying meanwhile
		assertThat(data()).isEqualTo("abc");
		assertThat(this.registry.get("bank.problems").tag("problem", "corrupt_balance").counter().count()).isPositive();

		this.zk.zkCli().setData().forPath("/bank_deposit", bytes("500"));
		await().until(() -> alice.problem() == null);
		double before = operations();
		await().until(() -> operations() > before);
		assertThat(data()).isNotEqualTo("500");
	}

	@Test
	void aCorruptAuditEntryIsReportedCountedAndNeverOverwritten() throws Exception {
		Customer alice = start();
		await().until(() -> operations() > 0);
		String entry = "/bank_deposit_audit/Alice";
		String corrupt = "{\"deposited\":\"1E999999999\",\"withdrawn\":\"0\",\"operations\":1,\"commits\":1,"
				+ "\"instances\":{},\"evictedThrough\":0,\"firstCommit\":1}";
		this.zk.zkCli().setData().forPath(entry, bytes(corrupt));

		await().until(() -> alice.problem() != null && alice.problem().problem() == Problem.CORRUPT_AUDIT);
		Thread.sleep(200); // the customer keeps trying meanwhile
		assertThat(data(entry)).isEqualTo(corrupt);
		// what the alert DepositUnusable fires on
		assertThat(this.registry.get("bank.problems").tag("problem", "corrupt_audit").counter().count()).isPositive();
	}

	@Test
	void aDepositDeletedAfterTheAuditStartedIsReportedAndNotRecreated() throws Exception {
		Customer alice = start();
		await().until(() -> operations() > 0);
		this.zk.zkCli().delete().deletingChildrenIfNeeded().forPath("/bank_deposit");

		await().until(() -> alice.problem() != null && alice.problem().problem() == Problem.DEPOSIT_MISSING);
		Thread.sleep(200);
		assertThat(this.zk.zkCli().checkExists().forPath("/bank_deposit")).isNull();
	}

	@Test
	void waitsForAZooKeeperThatIsDownAtStartAndStartsWhenItComesUp() throws Exception {
		this.zk.server().stop();
		Customer alice = start();

		await().until(() -> alice.problem() != null && alice.problem().problem() == Problem.ZOOKEEPER_UNAVAILABLE);
		this.zk.server().restart();
		await().atMost(Duration.ofSeconds(30)).until(() -> operations() > 0);
		assertThat(alice.problem()).isNull();
	}

	@Test
	void waitsOutAZooKeeperRestartMidRunAndLosesNothing() throws Exception {
		Customer alice = start();
		await().until(() -> operations() >= 5);
		this.zk.server().stop();

		await().until(() -> alice.problem() != null && alice.problem().problem() == Problem.ZOOKEEPER_UNAVAILABLE);
		this.zk.server().restart();
		double before = operations();
		await().atMost(Duration.ofSeconds(30)).until(() -> operations() > before + 5);
		this.stop.stop();
		this.running.join(10_000);

		AuditReport report = new DepositAudit(this.zk.connect(), this.bank).report();
		assertThat(report.conserved()).isTrue();
		assertThat(report.customers().get("Alice").operations()).isEqualTo((long) operations());
	}

	@ParameterizedTest
	@ValueSource(strings = { "100000000000000000", "999999999999999999999999999000.123456789012345678901234567890" })
	void everyBalanceMoneyAcceptsKeepsTheCustomerOperating(String balance) throws Exception {
		this.zk.zkCli().create().forPath("/bank_deposit", bytes(balance));
		Customer customer = start();

		await().atMost(Duration.ofSeconds(30)).until(() -> operations() >= 20);

		assertThat(this.running.isAlive()).isTrue();
		assertThat(customer.problem()).isNull();
		assertThat(new DepositAudit(this.zk.zkCli(), this.bank).report().conserved()).isTrue();
	}

	@Test
	void anUnexpectedErrorIsReportedAndCountedAndTheCustomerGoesOn() throws Exception {
		this.registry.failing = () -> new IllegalStateException("a defect in a meter");
		Customer customer = start();

		await().atMost(Duration.ofSeconds(30))
			.until(() -> customer.problem() != null && customer.problem().problem() == Problem.INTERNAL);
		assertThat(customer.problem().getMessage()).contains("a defect in a meter");
		assertThat(this.registry.get("bank.problems").tag("problem", "internal").counter().count()).isPositive();
		this.registry.failing = null;

		await().atMost(Duration.ofSeconds(30)).until(() -> operations() >= 10 && customer.problem() == null);
		assertThat(this.running.isAlive()).isTrue();
	}

	@Test
	void aDeviceThatEndsOtherThanByAStopShowsInTheCustomersState() throws Exception {
		this.registry.failing = () -> {
			this.registry.failing = null; // once: one device ends, the other goes on
			return new AssertionError("an error no customer loop may catch");
		};
		Customer customer = start(2);

		// the device's error is meant to escape it: Awaitility must not take it for the
		// test's own
		await().dontCatchUncaughtExceptions()
			.atMost(Duration.ofSeconds(30))
			.until(() -> customer.problem() != null && customer.problem().getMessage().contains("ended"));
		assertThat(customer.problem().getMessage()).contains("an error no customer loop may catch");
		double before = operations();
		await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(30)).until(() -> operations() > before + 10);
		assertThat(customer.problem()).as("still visible while the other device goes on").isNotNull();
	}

	@Test
	void aDepositReplacedBySomeoneElseIsReportedAndNeverWrittenTo() throws Exception {
		Customer customer = start();
		await().atMost(Duration.ofSeconds(30)).until(() -> operations() >= 5);

		this.zk.zkCli().delete().deletingChildrenIfNeeded().forPath("/bank_deposit");
		this.zk.zkCli().create().forPath("/bank_deposit", bytes("5000000"));

		await().atMost(Duration.ofSeconds(30))
			.until(() -> customer.problem() != null && customer.problem().problem() == Problem.DEPOSIT_REPLACED);
		Thread.sleep(500);
		assertThat(data()).isEqualTo("5000000");
		assertThat(this.registry.get("bank.problems").tag("problem", "deposit_replaced").counter().count())
			.isPositive();
	}

	private Customer start() throws InterruptedException {
		return start(1);
	}

	private Customer start(int devices) throws InterruptedException {
		CuratorFramework client = this.zk.clients().connectLater(this.zk.server().connectString());
		CustomerProperties.Pace pace = this.fast.pace();
		CustomerProperties properties = new CustomerProperties(this.fast.names(),
				new CustomerProperties.Pace(pace.intervalMin(), pace.intervalMax(), pace.thinkMin(), pace.thinkMax(),
						devices),
				this.fast.amounts());
		Customer customer = Customer.of(client, "Alice", this.bank, properties, new BankMetrics(this.registry),
				this.stop);
		this.running = new Thread(customer::run);
		this.running.start();
		return customer;
	}

	private double operations() {
		return this.registry.find("bank.operations")
			.tag("outcome", "committed")
			.counters()
			.stream()
			.mapToDouble((counter) -> counter.count())
			.sum();
	}

	private String data() throws Exception {
		return data("/bank_deposit");
	}

	private String data(String path) throws Exception {
		return new String(this.zk.zkCli().getData().forPath(path), StandardCharsets.UTF_8);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Meters whose {@code bank.operations} counters throw while {@link #failing} is set:
	 * a stand-in for any defect.
	 */
	static final class FailingMeterRegistry extends SimpleMeterRegistry {

		volatile Supplier<Throwable> failing;

		@Override
		protected Counter newCounter(Meter.Id id) {
			Counter counter = super.newCounter(id);
			if (!id.getName().equals("bank.operations")) {
				return counter;
			}
			return new Counter() {

				@Override
				public void increment(double amount) {
					Supplier<Throwable> failure = FailingMeterRegistry.this.failing;
					if (failure != null) {
						Throwable thrown = failure.get();
						if (thrown instanceof Error error) {
							throw error;
						}
						throw (RuntimeException) thrown;
					}
					counter.increment(amount);
				}

				@Override
				public double count() {
					return counter.count();
				}

				@Override
				public Meter.Id getId() {
					return id;
				}

			};
		}

	}

}
