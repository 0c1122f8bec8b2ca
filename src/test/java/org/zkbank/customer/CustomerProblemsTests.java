package org.zkbank.customer;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.zkbank.account.AuditReport;
import org.zkbank.account.BankProperties;
import org.zkbank.account.DepositAccount;
import org.zkbank.account.DepositAudit;
import org.zkbank.account.DepositException.Problem;
import org.zkbank.account.StopSignal;
import org.zkbank.observability.BankMetrics;
import org.zkbank.support.ZooKeeperTestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A running customer facing a deposit it cannot use: it reports, waits and resumes, and overwrites nothing. */
class CustomerProblemsTests {

	private final ZooKeeperTestClients clients = new ZooKeeperTestClients();

	private final BankProperties bank = ZooKeeperTestClients.properties("/bank_deposit");

	private final CustomerProperties fast = new CustomerProperties(List.of("Alice"),
			new CustomerProperties.Pace(Duration.ofMillis(5), Duration.ofMillis(20), Duration.ZERO, Duration.ZERO, 1),
			new CustomerProperties.Amounts(new BigDecimal("10.00")));

	private final MeterRegistry registry = new SimpleMeterRegistry();

	private final StopSignal stop = new StopSignal();

	private TestingServer server;

	private CuratorFramework zkCli;

	private Thread running;

	@BeforeEach
	void setUp() throws Exception {
		this.server = new TestingServer(true);
		this.zkCli = this.clients.connect(this.server.getConnectString());
	}

	@AfterEach
	void tearDown() throws Exception {
		this.stop.stop();
		if (this.running != null) {
			this.running.join(10_000);
		}
		this.clients.close();
		this.server.close();
	}

	@Test
	void aCorruptBalanceIsReportedAndLeftAloneUntilItIsValidAgain() throws Exception {
		Customer alice = start();
		await().until(() -> operations() > 0);
		this.zkCli.setData().forPath("/bank_deposit", bytes("abc"));

		await().until(() -> alice.problem() != null && alice.problem().problem() == Problem.CORRUPT_BALANCE);
		Thread.sleep(200); // the customer keeps trying meanwhile
		assertThat(data()).isEqualTo("abc");
		assertThat(this.registry.get("bank.problems").tag("problem", "corrupt_balance").counter().count()).isPositive();

		this.zkCli.setData().forPath("/bank_deposit", bytes("500"));
		await().until(() -> alice.problem() == null);
		double before = operations();
		await().until(() -> operations() > before);
		assertThat(data()).isNotEqualTo("500");
	}

	@Test
	void aDepositDeletedAfterTheAuditStartedIsReportedAndNotRecreated() throws Exception {
		Customer alice = start();
		await().until(() -> operations() > 0);
		this.zkCli.delete().forPath("/bank_deposit");

		await().until(() -> alice.problem() != null && alice.problem().problem() == Problem.DEPOSIT_MISSING);
		Thread.sleep(200);
		assertThat(this.zkCli.checkExists().forPath("/bank_deposit")).isNull();
	}

	@Test
	void waitsForAZooKeeperThatIsDownAtStartAndStartsWhenItComesUp() throws Exception {
		this.server.stop();
		Customer alice = start();

		await().until(() -> alice.problem() != null && alice.problem().problem() == Problem.ZOOKEEPER_UNAVAILABLE);
		this.server.restart();
		await().atMost(Duration.ofSeconds(30)).until(() -> operations() > 0);
		assertThat(alice.problem()).isNull();
	}

	@Test
	void waitsOutAZooKeeperRestartMidRunAndLosesNothing() throws Exception {
		Customer alice = start();
		await().until(() -> operations() >= 5);
		this.server.stop();

		await().until(() -> alice.problem() != null && alice.problem().problem() == Problem.ZOOKEEPER_UNAVAILABLE);
		this.server.restart();
		double before = operations();
		await().atMost(Duration.ofSeconds(30)).until(() -> operations() > before + 5);
		this.stop.stop();
		this.running.join(10_000);

		AuditReport report = new DepositAudit(this.clients.connect(this.server.getConnectString()), this.bank).report();
		assertThat(report.conserved()).isTrue();
		assertThat(report.customers().get("Alice").operations()).isEqualTo((long) operations());
	}

	private Customer start() throws InterruptedException {
		CuratorFramework client = this.clients.connectLater(this.server.getConnectString());
		Customer customer = new Customer(new DepositAccount(client, this.bank, "Alice", this.stop), this.fast,
				new BankMetrics(this.registry).forCustomer("Alice"), this.stop, Duration.ofMillis(20));
		this.running = new Thread(customer::run);
		this.running.start();
		return customer;
	}

	private double operations() {
		return this.registry.find("bank.operations").tag("outcome", "committed").counters().stream()
			.mapToDouble((counter) -> counter.count()).sum();
	}

	private String data() throws Exception {
		return new String(this.zkCli.getData().forPath("/bank_deposit"), StandardCharsets.UTF_8);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
