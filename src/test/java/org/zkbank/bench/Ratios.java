package org.zkbank.bench;

import java.util.List;
import java.util.OptionalDouble;

/**
 * A row's committed operations per second over the one-round-trip ceiling (blind
 * synchronous {@code setData}) and the write ceiling (asynchronous {@code setData}) of
 * its server, and, for zk-bank's one operation per commit, over the better
 * {@code DistributedAtomicLong} row at the same client count.
 */
record Ratios(double vsCeiling, double vsAsyncCeiling, OptionalDouble vsBestCurator) {

	/**
	 * The ratios of the row among all rows measured; NaN where the row to compare with is
	 * missing.
	 */
	static Ratios of(Row row, List<Row> rows) {
		double curator = rows.stream()
			.filter((other) -> other.server().equals(row.server()) && other.clients() == row.clients()
					&& other.workload().startsWith(AtomicLongIncrements.LABEL_PREFIX))
			.mapToDouble(Row::median)
			.max()
			.orElse(Double.NaN);
		return new Ratios(row.median() / ceiling(rows, row.server(), SetDataCeiling.BLIND),
				row.median() / ceiling(rows, row.server(), SetDataCeiling.PIPELINED),
				row.workload().equals(BankCommits.ONE_PER_COMMIT) ? OptionalDouble.of(row.median() / curator)
						: OptionalDouble.empty());
	}

	/** The median of the first row of the server with that workload. */
	private static double ceiling(List<Row> rows, String server, String workload) {
		return rows.stream()
			.filter((row) -> row.server().equals(server) && row.workload().equals(workload))
			.mapToDouble(Row::median)
			.findFirst()
			.orElse(Double.NaN);
	}

}
