package org.zkbank.customer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import org.zkbank.BankApplication;
import org.zkbank.account.AuditReport;
import org.zkbank.account.DepositAudit;
import org.zkbank.account.DepositSettings;
import org.zkbank.support.RealZooKeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The application as one deployed customer profile against an external ZooKeeper. */
class CustomerProfileTests {

	/**
	 * Ticks of 3 s, as curator-test's server has: the application's sessions outlive a
	 * restart.
	 */
	@RegisterExtension
	final RealZooKeeper zk = RealZooKeeper.perTest().tickTime(3_000);

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void waitsOutAZooKeeperThatIsDownAtStartOrLaterAndIsReadyOnlyWhileItIsUp() throws Exception {
		this.zk.server().stop(); // down when the application starts
		try (ConfigurableApplicationContext app = start(this.zk.server().connectString(),
				"--bank.customers.names=Alice")) {
			assertThat(status(app, "/actuator/health/liveness")).isEqualTo(200);
			assertThat(status(app, "/actuator/health/readiness")).isEqualTo(503);

			this.zk.server().restart();

			await().atMost(Duration.ofSeconds(60)).until(() -> status(app, "/actuator/health/readiness") == 200);
			MeterRegistry registry = app.getBean(MeterRegistry.class);
			await().atMost(Duration.ofSeconds(30)).until(() -> committed(registry) > 0);
			assertThat(this.zk.connect().checkExists().forPath("/bank_deposit")).isNotNull();

			// the quorum is gone: not ready, but alive (no restart loop)
			this.zk.server().stop();
			await().atMost(Duration.ofSeconds(30)).until(() -> status(app, "/actuator/health/readiness") == 503);
			assertThat(status(app, "/actuator/health/liveness")).isEqualTo(200);
			this.zk.server().restart();
			await().atMost(Duration.ofSeconds(60)).until(() -> status(app, "/actuator/health/readiness") == 200);
			double before = committed(registry);
			await().atMost(Duration.ofSeconds(30)).until(() -> committed(registry) > before);
		}
	}

	@Test
	void shutdownLeavesEveryOperationCommittedOrNotAppliedAndTheAuditExact() throws Exception {
		ConfigurableApplicationContext app = start(this.zk.server().connectString(),
				"--bank.customers.names=Alice,Bob");
		MeterRegistry registry = app.getBean(MeterRegistry.class);
		DepositSettings bank = app.getBean(DepositSettings.class);
		await().atMost(Duration.ofSeconds(30)).until(() -> committed(registry) >= 50);

		app.close();

		AuditReport report = new DepositAudit(this.zk.connect(), bank).report();
		assertThat(report.conserved()).isTrue();
		long audited = report.customers().values().stream().mapToLong(AuditReport.CustomerAudit::operations).sum();
		assertThat(audited).isEqualTo((long) committed(registry));
	}

	private ConfigurableApplicationContext start(String connectString, String... arguments) {
		String[] common = { "--spring.profiles.active=alice", "--server.port=0",
				"--spring.cloud.zookeeper.connect-string=" + connectString,
				"--spring.cloud.zookeeper.block-until-connected-wait=1", "--bank.customers.pace.interval-min=0s",
				"--bank.customers.pace.interval-max=20ms", "--bank.customers.pace.think-min=0s",
				"--bank.customers.pace.think-max=10ms" };
		String[] all = new String[common.length + arguments.length];
		System.arraycopy(common, 0, all, 0, common.length);
		System.arraycopy(arguments, 0, all, common.length, arguments.length);
		return new SpringApplicationBuilder(BankApplication.class).run(all);
	}

	private int status(ConfigurableApplicationContext app, String path) throws IOException, InterruptedException {
		int port = ((WebServerApplicationContext) app).getWebServer().getPort();
		return this.http
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
					HttpResponse.BodyHandlers.discarding())
			.statusCode();
	}

	private static double committed(MeterRegistry registry) {
		return registry.find("bank.operations")
			.tag("outcome", "committed")
			.counters()
			.stream()
			.mapToDouble((counter) -> counter.count())
			.sum();
	}

}
