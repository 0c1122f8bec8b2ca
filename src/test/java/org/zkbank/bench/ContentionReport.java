package org.zkbank.bench;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/**
 * The contention section of BENCHMARKS.md: how it was produced, the table, and what its
 * columns mean.
 */
final class ContentionReport {

	/** Where it stands in BENCHMARKS.md. */
	static final GeneratedSection SECTION = new GeneratedSection("contention");

	private ContentionReport() {
	}

	/** The section's markdown. */
	static String section(List<Row> rows, boolean quick) {
		StringBuilder out = new StringBuilder();
		out.append("Produced by `scripts/bench.sh")
			.append(quick ? " --quick" : "")
			.append("` on ")
			.append(LocalDate.now())
			.append(", ")
			.append(Runtime.getRuntime().availableProcessors())
			.append(" cores, Java ")
			.append(System.getProperty("java.version"))
			.append(". Every client has its own ZooKeeper session; no pauses; ")
			.append(quick ? "one run of 1 s per row (a smoke run, not a measurement)"
					: "median of 3 runs of 5 s per row")
			.append(".\n\n");
		out.append(
				"| server | workload | clients | committed/s (median) | spread | conflicts/commit | reads/commit | p50 ms | p99 ms | max ms | give-ups | worst share | conserved | vs ceiling | vs async ceiling | vs best Curator |\n");
		out.append("|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|\n");
		for (Row row : rows) {
			Ratios ratios = Ratios.of(row, rows);
			Run median = row.medianRun();
			out.append(String.format(Locale.ROOT,
					"| %s | %s | %d | %,.0f | %,.0f–%,.0f | %.2f | %.2f | %.2f | %.2f | %.1f | %d | %.2f | %s | %.2f | %.2f | %s |%n",
					row.server(), row.workload(), row.clients(), row.median(), row.min(), row.max(),
					median.conflictsPerCommit(), median.readsPerCommit(), median.p50Nanos() / 1e6,
					median.p99Nanos() / 1e6, median.maxNanos() / 1e6, row.giveUps(), median.worstShare(),
					row.conserved() ? "yes" : "**no**", ratios.vsCeiling(), ratios.vsAsyncCeiling(),
					ratios.vsBestCurator().isPresent()
							? String.format(Locale.ROOT, "%.2f", ratios.vsBestCurator().getAsDouble()) : ""));
		}
		out.append("\n`vs ceiling`: committed/s over blind synchronous `setData` from one client on the same server "
				+ "(the one-round-trip ceiling). `vs async ceiling`: over asynchronous `setData` with 1,000 in flight "
				+ "(the server's write ceiling). `vs best Curator`: over the better `DistributedAtomicLong` row "
				+ "at the same client count. `reads/commit`: the requests the servers received during the run "
				+ "(`mntr`'s `zk_packets_received`, summed over the servers) that were not the writes completing "
				+ "operations, per such write: reads, refused writes, the line of turns, pings. "
				+ "`worst share`: the client with the fewest commits, over a fair share. "
				+ "`give-ups`: operations that ended failed, summed over the runs. A zk-bank withdrawal rejected "
				+ "for insufficient funds is neither committed nor a give-up.\n");
		return out.toString();
	}

}
