package org.zkbank.account;

import java.math.BigDecimal;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ser.std.StdSerializer;

/**
 * Writes an amount of a report as a JSON string in plain decimals, as the bank's nodes
 * hold it: {@code "0.000000000000000000000000000001"}, never {@code "1E-30"}, whichever
 * mapper writes the report.
 */
final class PlainAmount extends StdSerializer<BigDecimal> {

	PlainAmount() {
		super(BigDecimal.class);
	}

	@Override
	public void serialize(BigDecimal amount, JsonGenerator generator, SerializationContext context) {
		generator.writeString(amount.toPlainString());
	}

}
