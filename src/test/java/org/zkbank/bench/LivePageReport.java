package org.zkbank.bench;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

import org.zkbank.bench.LivePageBenchmark.IdleRequests;

/**
 * The live-page section of BENCHMARKS.md: how it was produced, the table, and the idle
 * requests.
 */
final class LivePageReport {

	/** Where it stands in BENCHMARKS.md. */
	static final GeneratedSection SECTION = new GeneratedSection("live-page");

	private LivePageReport() {
	}

	/**
	 * The section's markdown; each customer count's rows start with the one without an
	 * instance.
	 */
	static String section(List<LiveRow> rows, IdleRequests idle, Duration duration, int repeats) {
		StringBuilder table = new StringBuilder();
		LiveRow unwatched = null;
		for (LiveRow row : rows) {
			if (!row.watched()) {
				unwatched = row;
			}
			table.append(String.format(Locale.ROOT, "| %d | %s | %,.0f | %,.0f–%,.0f | %s | %s | %s | %s | %s |%n",
					row.customers(), row.label(), row.median(), row.min(), row.max(),
					!row.watched() ? "" : String.format(Locale.ROOT, "%+.1f %%", 100 * row.changeFrom(unwatched)),
					!row.watched() ? "" : String.format(Locale.ROOT, "%,.0f", row.requestsPerSecond()),
					!row.watched() ? "" : String.format(Locale.ROOT, "%.2f", row.requestsPerCommit()),
					(row.pages() <= 0) ? "" : String.format(Locale.ROOT, "%.1f", row.updatesPerPagePerSecond()),
					(row.pages() <= 0) ? "" : String.format(Locale.ROOT, "%.0f", row.kilobytesPerPagePerSecond())));
		}
		return "Produced by `scripts/bench.sh --live` on " + LocalDate.now() + ", "
				+ Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version")
				+ ", in-process server: zk-bank commits (one operation per commit, no pauses) while one instance of the "
				+ "application watches the same deposit for its live page, and pages hold its event stream open. "
				+ "Median of " + repeats + " runs of " + duration.toSeconds() + " s per row, after one run not "
				+ "measured; the runs of the four rows of a customer count take turns, each row on a deposit of its own. "
				+ "`requests`: what the watching instance's ZooKeeper session sent, as the server counts them "
				+ "(`cons`); its own customer never operates, so these are the watch's reads, the audits and pings.\n\n"
				+ "| customers | watching instance | committed/s (median) | spread | vs no instance | requests/s of the instance | requests per commit | updates/s per page | KB/s per page |\n"
				+ "|---:|---|---:|---|---:|---:|---:|---:|---:|\n" + table + "\n" + idle(idle) + "\n";
	}

	private static String idle(IdleRequests idle) {
		return String
			.format(Locale.ROOT, "With no commits, the watching instance's session sent %d ZooKeeper requests in "
					+ "10 s with no page open and %d with 10 pages open: the pings of an idle session. Under load, its "
					+ "requests per second are the same with 0, 1 and 10 pages open: a page adds no ZooKeeper request, "
					+ "it is served from the instance's one watch, which audits at most ten times a second.%n",
					idle.noPage(), idle.tenPages());
	}

}
