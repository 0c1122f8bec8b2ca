package org.zkbank.account;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** JSON for the audit nodes; data that does not read back as valid totals is reported, never guessed at. */
final class AuditCodec {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private AuditCodec() {
	}

	static byte[] encode(Object audit) {
		return JSON.writeValueAsBytes(audit);
	}

	static CustomerTotals totals(byte[] data, String path) {
		CustomerTotals totals = decode(data, CustomerTotals.class, path);
		if (!totals.isValid()) {
			throw corrupt(path, null);
		}
		return totals;
	}

	static AuditOpening opening(byte[] data, String path) {
		AuditOpening opening = decode(data, AuditOpening.class, path);
		if (!opening.isValid()) {
			throw corrupt(path, null);
		}
		return opening;
	}

	private static <T> T decode(byte[] data, Class<T> type, String path) {
		try {
			T value = JSON.readValue(data, type);
			if (value == null) {
				throw corrupt(path, null);
			}
			return value;
		}
		catch (JacksonException ex) {
			throw corrupt(path, ex);
		}
	}

	private static DepositException corrupt(String path, Exception cause) {
		return new DepositException(DepositException.Problem.CORRUPT_AUDIT,
				path + " does not hold valid audit data; it is left untouched until it is fixed", cause);
	}

}
