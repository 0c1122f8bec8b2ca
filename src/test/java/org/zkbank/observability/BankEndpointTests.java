package org.zkbank.observability;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import org.zkbank.account.DepositAccount;
import org.zkbank.account.DepositAudit;
import org.zkbank.account.DepositSettings;
import org.zkbank.account.Operation;
import org.zkbank.support.RealZooKeeper;
import org.zkbank.support.ZooKeeperTestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * {@code /actuator/bank} and the audit gauges, whatever the bank nodes hold: 503 with a
 * reason, never 500, and a gauge an alert can fire on.
 */
class BankEndpointTests {

	@RegisterExtension
	final RealZooKeeper zk = RealZooKeeper.perTest();

	private final DepositSettings bank = ZooKeeperTestClients.properties("/bank_deposit");

	private final MeterRegistry registry = new SimpleMeterRegistry();

	private BankEndpoint endpoint;

	@BeforeEach
	void openTheAudit() throws Exception {
		DepositAccount alice = this.zk.account(this.bank, "Alice");
		alice.commit(Operation.deposit(new BigDecimal("10.00")), alice.read());
		DepositAudit audit = new DepositAudit(this.zk.zkCli(), this.bank);
		this.endpoint = new BankEndpoint(audit);
		new AuditMeters(audit).bindTo(this.registry);
	}

	@Test
	void answersTheAuditWhileItAddsUp() {
		WebEndpointResponse<Object> response = this.endpoint.audit();

		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(gauge("bank.audit.conserved")).isEqualTo(1);
	}

	@ParameterizedTest(name = "{0} holds {1}")
	@MethodSource("unusableContents")
	void answers503WithAReasonAndRaisesAnAlertableGaugeForEveryContentOfANode(String node, String content,
			String problem) throws Exception {
		this.zk.zkCli().setData().forPath(node, content.getBytes(StandardCharsets.ISO_8859_1));

		WebEndpointResponse<Object> response = this.endpoint.audit();

		assertThat(response.getStatus()).isEqualTo(WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
		assertThat(body(response)).containsEntry("problem", problem.toUpperCase(Locale.ROOT));
		assertThat(gauge("bank.audit.conserved")).isNaN();
		assertThat(this.registry.get("bank.audit.problem").tag("problem", problem).gauge().value()).isEqualTo(1);
	}

	static Stream<Arguments> unusableContents() {
		String entry = "/bank_deposit_audit/Alice";
		String root = "/bank_deposit_audit";
		return Stream.of(
				arguments(entry,
						"{\"deposited\":\"1E999999999\",\"withdrawn\":\"0\",\"operations\":1,\"commits\":1,"
								+ "\"instances\":{},\"evictedThrough\":0}",
						"corrupt_audit"),
				arguments(entry, "{\"deposited\":1E999999999}", "corrupt_audit"),
				arguments(entry, "{\"deposited\":\"10\",\"withdrawn\":\"0\",\"operations\":1E999999999,\"commits\":1}",
						"corrupt_audit"),
				arguments(entry, "", "corrupt_audit"), arguments(entry, "null", "corrupt_audit"),
				arguments(entry, "\u0000\u00ff{", "corrupt_audit"), arguments(entry, "[[[[[[[[[[", "corrupt_audit"),
				arguments(root, "{\"openingBalance\":\"1e3\"}", "corrupt_audit"),
				arguments(root, "9".repeat(100_000), "corrupt_audit"),
				arguments("/bank_deposit", "-5", "corrupt_balance"),
				arguments("/bank_deposit", "1E999999999", "corrupt_balance"));
	}

	@Test
	void aReplacedDepositIsNotConservedWithItsReason() throws Exception {
		this.zk.zkCli().delete().deletingChildrenIfNeeded().forPath("/bank_deposit");
		this.zk.zkCli().create().forPath("/bank_deposit", "1010.00".getBytes(StandardCharsets.UTF_8));

		WebEndpointResponse<Object> response = this.endpoint.audit();

		assertThat(response.getStatus()).isEqualTo(WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
		assertThat(body(response)).containsEntry("problem", "DEPOSIT_REPLACED").containsEntry("conserved", false);
		assertThat(gauge("bank.audit.conserved")).isZero();
		assertThat(this.registry.get("bank.audit.problem").tag("problem", "deposit_replaced").gauge().value())
			.isEqualTo(1);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> body(WebEndpointResponse<Object> response) {
		return (Map<String, Object>) response.getBody();
	}

	private double gauge(String name) {
		return this.registry.get(name).gauge().value();
	}

}
