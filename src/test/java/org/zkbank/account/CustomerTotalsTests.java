package org.zkbank.account;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.zkbank.account.CustomerTotals.Fate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CustomerTotalsTests {

	private static final List<Operation> ONE_CENT = List.of(Operation.deposit(new BigDecimal("0.01")));

	@Test
	void remembersTheLastCommitOfEachInstance() {
		CustomerTotals totals = CustomerTotals.NONE
			.plus(List.of(Operation.deposit(new BigDecimal("1.00"))), "a", 1, true)
			.plus(List.of(Operation.withdraw(new BigDecimal("0.50"))), "b", 7, false)
			.plus(List.of(Operation.deposit(new BigDecimal("2.00"))), "a", 2, false);

		assertThat(totals.fate("a", 2, 3)).isEqualTo(Fate.APPLIED);
		assertThat(totals.fate("a", 3, 4)).isEqualTo(Fate.NOT_APPLIED);
		assertThat(totals.fate("b", 7, 2)).isEqualTo(Fate.APPLIED);
		assertThat(totals.fate("c", 1, 4)).isEqualTo(Fate.NOT_APPLIED);
		assertThat(totals.deposited()).isEqualByComparingTo("3.00");
		assertThat(totals.withdrawn()).isEqualByComparingTo("0.50");
		assertThat(totals.operations()).isEqualTo(3);
		assertThat(totals.commits()).isEqualTo(3);
		assertThat(totals.instances().get("a")).isEqualTo(new CustomerTotals.InstanceCommit(2, 3));
	}

	@Test
	void countsAGroupCommitAsOneCommitOfEachOfItsOperations() {
		CustomerTotals totals = CustomerTotals.NONE.plus(List.of(Operation.deposit(new BigDecimal("1.00")),
				Operation.withdraw(new BigDecimal("0.25")), Operation.deposit(new BigDecimal("2.00"))), "a", 1, true);

		assertThat(totals.deposited()).isEqualByComparingTo("3.00");
		assertThat(totals.withdrawn()).isEqualByComparingTo("0.25");
		assertThat(totals.operations()).isEqualTo(3);
		assertThat(totals.commits()).isEqualTo(1);
		assertThat(totals.fate("a", 1, 1)).isEqualTo(Fate.APPLIED);
	}

	@Test
	void aForgottenInstanceIsNeverTakenForOneThatWasNotApplied() {
		CustomerTotals totals = CustomerTotals.NONE.plus(ONE_CENT, "lost", 1, true);
		for (int i = 0; i < CustomerTotals.INSTANCES_KEPT; i++) {
			totals = totals.plus(ONE_CENT, "instance" + i, 1, false);
		}

		assertThat(totals.instances()).hasSize(CustomerTotals.INSTANCES_KEPT).doesNotContainKey("lost");
		assertThat(totals.evictedThrough()).isEqualTo(1);
		assertThat(totals.fate("lost", 1, 1)).as("commit 1 was forgotten").isEqualTo(Fate.UNKNOWN);
		assertThat(totals.fate("new", 1, 2)).as("commit 2 is still kept: absent means not applied")
			.isEqualTo(Fate.NOT_APPLIED);
	}

	@Test
	void readsBackFromItsJson() {
		CustomerTotals totals = CustomerTotals.NONE.plus(List.of(Operation.deposit(new BigDecimal("12.34"))), "a", 5,
				true);

		assertThat(AuditCodec.totals(AuditCodec.encode(totals), 0, "/x")).isEqualTo(totals);
		assertThat(new String(AuditCodec.encode(totals))).isEqualTo("{\"deposited\":\"12.34\",\"withdrawn\":\"0\","
				+ "\"operations\":1,\"commits\":1,\"instances\":{\"a\":{\"sequence\":5,\"commit\":1}},\"evictedThrough\":0,\"firstCommit\":1}");
	}

	@Test
	void anEntryWrittenByAnyoneButItsCommitsIsCorrupt() {
		CustomerTotals totals = CustomerTotals.NONE.plus(ONE_CENT, "a", 1, true).plus(ONE_CENT, "a", 2, false);

		assertThat(AuditCodec.totals(AuditCodec.encode(totals), 1, "/x")).isEqualTo(totals);
		assertThatExceptionOfType(DepositException.class)
			.isThrownBy(() -> AuditCodec.totals(AuditCodec.encode(totals), 2, "/x"))
			.withMessageContaining("someone else wrote it");
	}

	@Test
	void writesAmountsAsPlainDecimalsThatItReadsBack() {
		CustomerTotals tiny = CustomerTotals.NONE.plus(List.of(Operation.withdraw(new BigDecimal("1E-30"))), "a", 1,
				true);

		assertThat(new String(AuditCodec.encode(tiny), StandardCharsets.UTF_8))
			.contains("\"withdrawn\":\"0.000000000000000000000000000001\"");
		assertThat(AuditCodec.totals(AuditCodec.encode(tiny), 0, "/x")).isEqualTo(tiny);
	}

	@ParameterizedTest
	@ValueSource(strings = { "\"1E999999999\"", "\"1E2\"", "\"-1\"", "1", "\"1234567890123456789012345678901\"",
			"\"0x10\"", "\" 1\"", "null" })
	void acceptsOnlyAmountsThatMoneyAccepts(String deposited) {
		byte[] json = ("{\"deposited\":" + deposited + ",\"withdrawn\":\"0\",\"operations\":1,\"commits\":1,"
				+ "\"instances\":{},\"evictedThrough\":0,\"firstCommit\":1}")
			.getBytes(StandardCharsets.UTF_8);

		assertThatExceptionOfType(DepositException.class).isThrownBy(() -> AuditCodec.totals(json, 0, "/x"))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(DepositException.Problem.CORRUPT_AUDIT));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "[]", "\"text\"", "{\"deposited\":\"1\"}",
			"{\"deposited\":\"1\",\"withdrawn\":\"0\",\"operations\":1,\"commits\":1,\"instances\":{\"a\":{\"sequence\":1,\"commit\":9}},\"evictedThrough\":0}",
			"{\"deposited\":\"1\",\"withdrawn\":\"0\",\"operations\":1e999,\"commits\":1,\"instances\":{},\"evictedThrough\":0,\"firstCommit\":1}",
			"{\"deposited\":\"1\",\"withdrawn\":\"0\",\"operations\":1,\"commits\":1,\"instances\":{},\"evictedThrough\":0,\"firstCommit\":1,\"extra\":1}" })
	void reportsEveryOtherContentAsCorrupt(String json) {
		assertThatExceptionOfType(DepositException.class)
			.isThrownBy(() -> AuditCodec.totals(json.getBytes(StandardCharsets.UTF_8), 0, "/x"))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(DepositException.Problem.CORRUPT_AUDIT));
	}

}
