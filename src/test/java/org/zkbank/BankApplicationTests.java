package org.zkbank;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The local simulation as a user runs it: embedded ZooKeeper, Alice, Bob and Chuck,
 * actuator over HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "bank.customers.pace.interval-min=0s", "bank.customers.pace.interval-max=40ms",
				"bank.customers.pace.think-min=0s", "bank.customers.pace.think-max=20ms" })
class BankApplicationTests {

	private static final List<String> CUSTOMERS = List.of("Alice", "Bob", "Chuck");

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void embeddedZooKeeperOnAFreePort(DynamicPropertyRegistry registry) throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			int port = socket.getLocalPort();
			registry.add("bank.embedded-zookeeper.port", () -> port);
		}
	}

	@Test
	void prometheusHasEveryBankMetricForEveryCustomer() {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> CUSTOMERS.stream()
				.allMatch((customer) -> sample(get("/actuator/prometheus").body(), "bank_operations_total", customer,
						"outcome=\"committed\"") > 0));
		String metrics = get("/actuator/prometheus").body();
		for (String customer : CUSTOMERS) {
			for (String name : List.of("bank_conflicts_total", "bank_retries_total", "bank_operations_total",
					"bank_amount_total", "bank_balance", "bank_operation_duration_seconds_bucket",
					"bank_operation_attempts_bucket", "bank_commit_batch_size_bucket", "bank_ambiguous_commits_total",
					"bank_turn_wait_seconds_bucket")) {
				assertThat(sample(metrics, name, customer, "application=\"zk-bank\"")).as(name + " of " + customer)
					.isNotNaN();
			}
			assertThat(sample(metrics, "bank_amount_total", customer, "type=\"deposit\"")).isNotNaN();
			assertThat(sample(metrics, "bank_operations_total", customer, "type=\"withdraw\"")).isNotNaN();
		}
	}

	@Test
	void prometheusHasTheAuditVerdict() {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> get("/actuator/prometheus").body()
				.lines()
				.anyMatch((line) -> line.startsWith("bank_audit_conserved{application=\"zk-bank\"} 1")));
	}

	@Test
	void theAuditIsConservedWhileCustomersKeepWriting() {
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			Map<String, Object> customers = JsonPath.read(get("/actuator/bank").body(), "$.customers");
			return customers.keySet().containsAll(CUSTOMERS);
		});
		for (int i = 0; i < 5; i++) {
			HttpResponse<String> audit = get("/actuator/bank");
			assertThat(audit.statusCode()).isEqualTo(200);
			assertThat((Boolean) JsonPath.read(audit.body(), "$.conserved")).isTrue();
			assertThat((String) JsonPath.read(audit.body(), "$.discrepancy")).isEqualTo("0.00");
			assertThat((String) JsonPath.read(audit.body(), "$.openingBalance")).isEqualTo("1000.00");
			assertThat((String) JsonPath.read(audit.body(), "$.balance"))
				.isEqualTo(JsonPath.read(audit.body(), "$.expectedBalance"));
		}
	}

	@Test
	void healthHasZooKeeperAndTheCustomersAndProbeGroups() {
		HttpResponse<String> health = get("/actuator/health");
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat((String) JsonPath.read(health.body(), "$.components.zookeeper.status")).isEqualTo("UP");
		assertThat((String) JsonPath.read(health.body(), "$.components.bank.status")).isEqualTo("UP");
		HttpResponse<String> readiness = get("/actuator/health/readiness");
		assertThat(readiness.statusCode()).isEqualTo(200);
		assertThat((String) JsonPath.read(readiness.body(), "$.components.zookeeper.status")).isEqualTo("UP");
		assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
	}

	@Test
	void exposesOnlyTheBankEndpointsAndNothingWritable() {
		Map<String, Object> links = JsonPath.read(get("/actuator").body(), "$._links");
		assertThat(links.keySet()).containsExactlyInAnyOrder("self", "health", "health-path", "info", "metrics",
				"metrics-requiredMetricName", "prometheus", "bank");
		assertThat(get("/actuator/env").statusCode()).isEqualTo(404);
		assertThat(get("/actuator/shutdown").statusCode()).isEqualTo(404);
		assertThat(get("/actuator/metrics/bank.conflicts").statusCode()).isEqualTo(200);
	}

	private HttpResponse<String> get(String path) {
		try {
			return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).build(),
					HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The value of the first sample of a metric for a customer whose labels contain the
	 * given text, NaN if none.
	 */
	private static double sample(String metrics, String name, String customer, String label) {
		return metrics.lines()
			.filter((line) -> line.startsWith(name + "{") && line.contains("customer=\"" + customer + "\"")
					&& line.contains(label))
			.mapToDouble((line) -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.findFirst()
			.orElse(Double.NaN);
	}

}
