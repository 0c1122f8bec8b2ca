package org.zkbank.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.zkbank.account.DepositSettings;

/**
 * The cost of the live page (issue 10): zk-bank commits from a number of customers, with
 * no application instance watching, with one watching and no page open, and with 1 and 10
 * pages open on its event stream; the ZooKeeper requests that instance's session sent,
 * and what each page received.
 */
final class LivePageBenchmark {

	/**
	 * The rows of one customer count: no instance (-1), then one watching with 0, 1 and
	 * 10 pages.
	 */
	private static final int[] PAGE_COUNTS = { -1, 0, 1, 10 };

	private final int repeats;

	private final BankCommits commits;

	LivePageBenchmark(Duration duration, int repeats) {
		this.repeats = repeats;
		this.commits = new BankCommits(duration, 1);
	}

	/** The rows of each customer count in turn. */
	List<LiveRow> measure(String connect, int[] customerCounts) throws Exception {
		List<LiveRow> all = new ArrayList<>();
		for (int clients : customerCounts) {
			List<LiveRow> rows = rows(connect, clients);
			for (LiveRow row : rows) {
				System.err.printf(Locale.ROOT, "live page: %2d customers, %-26s %,9.0f ops/s, %,.0f requests/s%n",
						clients, row.label(), row.median(), row.requestsPerSecond());
			}
			all.addAll(rows);
		}
		return all;
	}

	/**
	 * The rows of one client count: with no instance watching, and with one watching and
	 * 0, 1 and 10 pages open. The runs of the four take turns, so that a machine that
	 * slows down or speeds up during the measurement weighs on all of them alike.
	 */
	private List<LiveRow> rows(String connect, int clients) throws Exception {
		List<LivePageLoad> loads = new ArrayList<>();
		List<DepositSettings> banks = new ArrayList<>();
		List<List<LiveRun>> runs = new ArrayList<>();
		try {
			for (int pages : PAGE_COUNTS) {
				DepositSettings bank = BankCommits.bank(DepositPaths.next());
				banks.add(bank);
				loads.add((pages < 0) ? null : new LivePageLoad(connect, bank.deposit().path(), pages));
				runs.add(new ArrayList<>());
				// not measured: the JIT, and every customer name in the audit (waits
				// scale with their number)
				this.commits.run(connect, clients, bank);
			}
			for (int i = 0; i < this.repeats; i++) {
				for (int row = 0; row < PAGE_COUNTS.length; row++) {
					runs.get(row).add(run(connect, clients, banks.get(row), loads.get(row)));
				}
			}
		}
		finally {
			for (LivePageLoad load : loads) {
				if (load != null) {
					load.close();
				}
			}
		}
		List<LiveRow> rows = new ArrayList<>();
		for (int row = 0; row < PAGE_COUNTS.length; row++) {
			rows.add(new LiveRow(clients, PAGE_COUNTS[row], runs.get(row)));
		}
		return rows;
	}

	/**
	 * One run of commits on the deposit, which the given instance watches unless it is
	 * {@code null}.
	 */
	private LiveRun run(String connect, int clients, DepositSettings bank, LivePageLoad load) throws Exception {
		long requests = (load != null) ? load.requests() : 0;
		long updates = (load != null) ? load.updates() : 0;
		long bytes = (load != null) ? load.bytes() : 0;
		long started = System.nanoTime();
		Run run = this.commits.run(connect, clients, bank);
		double seconds = (System.nanoTime() - started) / 1e9;
		if (!run.conserved()) {
			throw new IllegalStateException("the audit is not conserved with a live page watching");
		}
		if (load == null) {
			return new LiveRun(run, 0, 0, 0, seconds);
		}
		int pages = Math.max(1, load.pages());
		return new LiveRun(run, load.requests() - requests, (load.updates() - updates) / (double) pages,
				(load.bytes() - bytes) / (double) pages, seconds);
	}

	/**
	 * ZooKeeper requests of a watching instance over 10 s without commits, with no page
	 * and with 10.
	 */
	static IdleRequests idleRequests(String connect) throws Exception {
		long[] requests = new long[2];
		int[] pages = { 0, 10 };
		for (int i = 0; i < 2; i++) {
			try (LivePageLoad load = new LivePageLoad(connect, DepositPaths.next(), pages[i])) {
				Thread.sleep(2_000); // started, caches loaded, pages connected
				long before = load.requests();
				Thread.sleep(10_000);
				requests[i] = load.requests() - before;
			}
		}
		return new IdleRequests(requests[0], requests[1]);
	}

	/**
	 * Requests a watching instance's session sent in 10 s without commits: with no page
	 * open, and with 10.
	 */
	record IdleRequests(long noPage, long tenPages) {
	}

}
