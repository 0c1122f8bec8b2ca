package org.zkbank.account;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Money as it is stored in the balance node: a plain decimal string such as {@code 1000}
 * or {@code 1234.56}, exactly as {@code zkCli.sh create /bank_deposit 1000} writes it.
 * Values are exact {@link BigDecimal}s; more decimals written by another client are kept,
 * never rounded.
 */
public final class Money {

	// Digits with an optional fraction: no sign, exponent, NaN or infinity. The length
	// cap keeps an oversized foreign value from being taken for a balance.
	private static final Pattern PLAIN_DECIMAL = Pattern.compile("[0-9]{1,30}(\\.[0-9]{1,30})?");

	/** Digits before and after the point that an amount may have. */
	private static final int MAX_DIGITS = 30;

	private Money() {
	}

	/**
	 * Reads a balance node's data.
	 * @throws DepositException ({@link DepositException.Problem#CORRUPT_BALANCE}) when
	 * the data is not a non-negative plain decimal; the data is then left as it is
	 */
	static BigDecimal parse(byte[] data, String path) {
		String text = (data == null) ? "" : new String(data, StandardCharsets.UTF_8).strip();
		if (!isPlain(text)) {
			throw new DepositException(DepositException.Problem.CORRUPT_BALANCE,
					"%s holds '%s', which is not a non-negative decimal amount; it is left untouched until it is fixed"
						.formatted(path, abbreviate(text)));
		}
		return new BigDecimal(text);
	}

	/**
	 * Whether the text is an amount as the bank stores it: a non-negative plain decimal
	 * of bounded length.
	 */
	static boolean isPlain(String text) {
		return PLAIN_DECIMAL.matcher(text).matches();
	}

	/**
	 * Whether the amount can be stored and read back: non-negative, with at most
	 * {@value #MAX_DIGITS} digits before and after the point. A commit that would store
	 * more is rejected, so that the bank never writes what it would then refuse to read.
	 */
	static boolean isStorable(BigDecimal amount) {
		// in long: precision minus a scale near Integer.MIN_VALUE overflows an int
		return amount.signum() >= 0 && amount.scale() <= MAX_DIGITS
				&& (long) amount.precision() - amount.scale() <= MAX_DIGITS;
	}

	static byte[] encode(BigDecimal amount) {
		return amount.toPlainString().getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * An amount for people and JSON: at least two decimals, more when the value has them.
	 */
	public static String format(BigDecimal amount) {
		return cents(amount).toPlainString();
	}

	/**
	 * The same value with at least two decimals ({@code 1000} becomes {@code 1000.00}).
	 */
	static BigDecimal cents(BigDecimal amount) {
		return amount.setScale(Math.max(2, amount.scale()));
	}

	private static String abbreviate(String text) {
		return (text.length() <= 40) ? text : text.substring(0, 40) + "...";
	}

}
