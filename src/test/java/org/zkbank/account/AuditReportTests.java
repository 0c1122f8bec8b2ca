package org.zkbank.account;

import java.math.BigDecimal;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class AuditReportTests {

	/**
	 * As {@code /actuator/bank} and the live page write it, with a mapper of their own:
	 * the amounts stay plain decimals, as the bank's nodes hold them.
	 */
	@Test
	void writesEveryAmountAsAPlainDecimalWhateverItsScale() {
		BigDecimal tiny = new BigDecimal("1E-30");
		AuditReport report = new AuditReport(BigDecimal.ONE.add(tiny), 1, BigDecimal.ONE, 0, BigDecimal.ONE.add(tiny),
				new BigDecimal("0E-30"), 0, true,
				Map.of("Alice", new AuditReport.CustomerAudit(tiny, new BigDecimal("1E+3"), 1, 1)));

		String json = JsonMapper.builder().build().writeValueAsString(report);

		String thirty = "0".repeat(29) + "1";
		assertThat(json).doesNotContainPattern("[0-9][eE]")
			.contains("\"balance\":\"1." + thirty + "\"")
			.contains("\"discrepancy\":\"0." + "0".repeat(30) + "\"")
			.contains("\"deposited\":\"0." + thirty + "\"")
			.contains("\"withdrawn\":\"1000\"");
	}

}
