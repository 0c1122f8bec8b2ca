package org.zkbank.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The rows of the contention table on one server: committed operations per second of the
 * zk-bank commit path, as customers with no pauses use it, side by side with what a Java
 * engineer would otherwise pick (Curator's {@code DistributedAtomicLong}), a plain
 * read-then-versioned-write loop, and the server's raw write ceilings. Each row is the
 * median of repeated runs.
 */
final class ContentionBenchmark {

	private static final int GROUP_CUSTOMERS = 3;

	private static final int GROUP_DEVICES = 32;

	private static final int WARM_UP_CUSTOMERS = 8;

	private final Duration duration;

	private final int repeats;

	ContentionBenchmark(Duration duration, int repeats) {
		this.duration = duration;
		this.repeats = repeats;
	}

	/**
	 * After a warm-up, the ceilings and group commit, then each client count's rows.
	 */
	List<Row> measure(String server, String connectString, int[] clientCounts) throws Exception {
		// not measured: the first seconds of writes on a freshly started server are
		// slower
		new SetDataCeiling(this.duration, false).run(connectString, 1);
		new BankCommits(this.duration, 1).run(connectString, WARM_UP_CUSTOMERS);
		List<Row> rows = new ArrayList<>();
		rows.add(row(server, new SetDataCeiling(this.duration, false), 1, connectString));
		rows.add(row(server, new SetDataCeiling(this.duration, true), 1, connectString));
		rows.add(row(server, new BankCommits(this.duration, GROUP_DEVICES), GROUP_CUSTOMERS, connectString));
		List<Workload> contended = List.of(new BankCommits(this.duration, 1), new ReadThenWrite(this.duration),
				new AtomicLongIncrements(this.duration, false), new AtomicLongIncrements(this.duration, true));
		for (int clients : clientCounts) {
			for (Workload workload : contended) {
				rows.add(row(server, workload, clients, connectString));
			}
		}
		return rows;
	}

	private Row row(String server, Workload workload, int clients, String connectString) throws Exception {
		List<Run> runs = new ArrayList<>();
		for (int i = 0; i < this.repeats; i++) {
			runs.add(workload.run(connectString, clients));
		}
		Row row = new Row(server, workload.label(), clients, runs);
		System.err.printf(Locale.ROOT, "%-10s %-45s %3d clients: %,9.0f ops/s%n", server, workload.label(), clients,
				row.median());
		return row;
	}

}
