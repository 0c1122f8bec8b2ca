package org.zkbank.account;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class MoneyTests {

	@ParameterizedTest
	@ValueSource(strings = { "1000", "0", "1234.56", "1694.6596372873594", " 1000\n" })
	void readsPlainDecimalsExactly(String text) {
		BigDecimal amount = Money.parse(text.getBytes(StandardCharsets.UTF_8), "/bank_deposit");

		assertThat(amount).isEqualTo(new BigDecimal(text.strip()));
		assertThat(new String(Money.encode(amount), StandardCharsets.UTF_8)).isEqualTo(text.strip());
	}

	@ParameterizedTest
	@ValueSource(
			strings = { "abc", "-5", "NaN", "", "1e3", "+5", "1,000", "12.", ".5", "1234567890123456789012345678901" })
	void rejectsAnythingElseNamingThePath(String text) {
		assertThatExceptionOfType(DepositException.class)
			.isThrownBy(() -> Money.parse(text.getBytes(StandardCharsets.UTF_8), "/bank_deposit"))
			.withMessageContaining("/bank_deposit")
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(DepositException.Problem.CORRUPT_BALANCE));
	}

	@ParameterizedTest
	@ValueSource(strings = { "1000:1000.00", "1.5:1.50", "0.125:0.125" })
	void formatsWithAtLeastTwoDecimals(String pair) {
		String[] parts = pair.split(":");

		assertThat(Money.format(new BigDecimal(parts[0]))).isEqualTo(parts[1]);
	}

	@ParameterizedTest
	@ValueSource(strings = { "1E+31", "1E+2147483647", "1E-31", "-1" })
	void storesNoAmountOfMoreThanThirtyDigitsOnEitherSideOrBelowZero(String amount) {
		assertThat(Money.isStorable(new BigDecimal(amount))).isFalse();
	}

	@Test
	void storesNoAmountWhoseDigitsOverflowAnInt() {
		assertThat(Money.isStorable(new BigDecimal(BigInteger.ONE, Integer.MIN_VALUE))).isFalse();
	}

	@Test
	void anOperationOfAnAmountTheBankCannotStoreIsRefusedWhenMade() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Operation.deposit(new BigDecimal(BigInteger.ONE, Integer.MIN_VALUE)))
			.withMessageContaining("at most 30 digits");
		assertThatIllegalArgumentException().isThrownBy(() -> Operation.withdraw(new BigDecimal("1E-31")));
	}

}
