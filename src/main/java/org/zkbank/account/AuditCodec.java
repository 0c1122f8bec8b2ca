package org.zkbank.account;

import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON for the audit nodes. Data that does not read back as valid audit data is reported,
 * never guessed at: amounts must be strings that {@link Money} accepts (no exponent,
 * bounded length), and any other content, whatever it makes the parser do, is corrupt.
 */
final class AuditCodec {

	// plain amounts as Money writes them (never 1E-7), and nothing read but what the bank
	// writes
	private static final JsonMapper JSON = JsonMapper.builder()
		.enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
		.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	private AuditCodec() {
	}

	static byte[] encode(Object audit) {
		return JSON.writeValueAsBytes(audit);
	}

	/**
	 * Reads an audit entry, and checks that nothing but commits wrote it.
	 * @param version the entry node's version
	 */
	static CustomerTotals totals(byte[] data, int version, String path) {
		CustomerTotals totals = decode(data, CustomerTotals.class, path, "deposited", "withdrawn");
		if (!totals.isValid()) {
			throw corrupt(path, null);
		}
		if (!totals.isWrittenOnlyByCommits(version)) {
			String message = "%s is at version %d, where its commits alone would have left it at %d: someone else "
					+ "wrote it; it is left untouched until it is fixed";
			throw new DepositException(DepositException.Problem.CORRUPT_AUDIT,
					message.formatted(path, version, totals.commits() - totals.firstCommit()));
		}
		return totals;
	}

	static AuditOpening opening(byte[] data, String path) {
		AuditOpening opening = decode(data, AuditOpening.class, path, "openingBalance");
		if (!opening.isValid()) {
			throw corrupt(path, null);
		}
		return opening;
	}

	private static <T> T decode(byte[] data, Class<T> type, String path, String... amounts) {
		T value;
		try {
			JsonNode tree = JSON.readTree((data != null) ? data : new byte[0]);
			for (String amount : amounts) {
				JsonNode text = (tree != null) ? tree.get(amount) : null;
				if (text == null || !text.isString() || !Money.isPlain(text.stringValue())) {
					throw corrupt(path, null);
				}
			}
			value = JSON.treeToValue(tree, type);
		}
		catch (DepositException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			throw corrupt(path, ex);
		}
		if (value == null) {
			throw corrupt(path, null);
		}
		return value;
	}

	private static DepositException corrupt(String path, Exception cause) {
		return new DepositException(DepositException.Problem.CORRUPT_AUDIT,
				path + " does not hold valid audit data; it is left untouched until it is fixed", cause);
	}

}
