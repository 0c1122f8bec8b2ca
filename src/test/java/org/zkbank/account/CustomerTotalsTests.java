package org.zkbank.account;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CustomerTotalsTests {

	@Test
	void remembersTheLastCommittedSequenceOfEachInstance() {
		CustomerTotals totals = CustomerTotals.NONE.plus(List.of(Operation.deposit(new BigDecimal("1.00"))), "a", 1)
			.plus(List.of(Operation.withdraw(new BigDecimal("0.50"))), "b", 7)
			.plus(List.of(Operation.deposit(new BigDecimal("2.00"))), "a", 2);

		assertThat(totals.hasCommitted("a", 2)).isTrue();
		assertThat(totals.hasCommitted("a", 3)).isFalse();
		assertThat(totals.hasCommitted("b", 7)).isTrue();
		assertThat(totals.hasCommitted("c", 1)).isFalse();
		assertThat(totals.deposited()).isEqualByComparingTo("3.00");
		assertThat(totals.withdrawn()).isEqualByComparingTo("0.50");
		assertThat(totals.operations()).isEqualTo(3);
		assertThat(totals.commits()).isEqualTo(3);
	}

	@Test
	void countsAGroupCommitAsOneCommitOfEachOfItsOperations() {
		CustomerTotals totals = CustomerTotals.NONE.plus(List.of(Operation.deposit(new BigDecimal("1.00")),
				Operation.withdraw(new BigDecimal("0.25")), Operation.deposit(new BigDecimal("2.00"))), "a", 1);

		assertThat(totals.deposited()).isEqualByComparingTo("3.00");
		assertThat(totals.withdrawn()).isEqualByComparingTo("0.25");
		assertThat(totals.operations()).isEqualTo(3);
		assertThat(totals.commits()).isEqualTo(1);
		assertThat(totals.hasCommitted("a", 1)).isTrue();
	}

	@Test
	void forgetsTheInstanceThatCommittedLeastRecentlyBeyondTheLimit() {
		CustomerTotals totals = CustomerTotals.NONE.plus(List.of(Operation.deposit(BigDecimal.ONE)), "first", 1);
		for (int i = 0; i < CustomerTotals.INSTANCES_KEPT; i++) {
			totals = totals.plus(List.of(Operation.deposit(BigDecimal.ONE)), "instance" + i, 1);
		}

		assertThat(totals.lastSequence()).hasSize(CustomerTotals.INSTANCES_KEPT).doesNotContainKey("first");
		assertThat(totals.operations()).isEqualTo(CustomerTotals.INSTANCES_KEPT + 1);
	}

	@Test
	void readsAnEntryWrittenBeforeCommitsWereCountedAsOneCommitPerOperation() {
		CustomerTotals totals = AuditCodec.totals(
				"{\"deposited\":\"3.00\",\"withdrawn\":\"1.00\",\"operations\":4,\"lastSequence\":{\"a\":4}}"
					.getBytes(StandardCharsets.UTF_8),
				"/x");

		assertThat(totals.commits()).isEqualTo(4);
		assertThat(totals.plus(List.of(Operation.deposit(BigDecimal.ONE)), "a", 5).commits()).isEqualTo(5);
	}

	@Test
	void readsBackFromItsJson() {
		CustomerTotals totals = CustomerTotals.NONE.plus(List.of(Operation.deposit(new BigDecimal("12.34"))), "a", 5);

		assertThat(AuditCodec.totals(AuditCodec.encode(totals), "/x")).isEqualTo(totals);
		assertThat(new String(AuditCodec.encode(totals)))
			.isEqualTo("{\"deposited\":\"12.34\",\"withdrawn\":\"0\",\"operations\":1,\"commits\":1,\"lastSequence\":{\"a\":5}}");
	}

}
