package org.zkbank.customer;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.atomic.AtomicValue;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicLong;
import org.apache.curator.framework.recipes.atomic.PromotedToLock;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

import org.zkbank.account.CommitResult;
import org.zkbank.account.DepositAccount;
import org.zkbank.account.DepositAudit;
import org.zkbank.account.DepositProperties;
import org.zkbank.account.DepositSettings;
import org.zkbank.account.OperationResult;
import org.zkbank.account.Outcome;
import org.zkbank.account.RetryProperties;
import org.zkbank.account.StopSignal;
import org.zkbank.observability.BankMetrics;
import org.zkbank.support.ZooKeeperTestClients;
import org.zkbank.zookeeper.ZooKeeperProperties;

/**
 * Contention benchmark, run by {@code scripts/bench.sh}: committed operations per second of the
 * zk-bank commit path, as customers with no pauses use it, side by side with what a Java engineer
 * would otherwise pick (Curator's {@code DistributedAtomicLong}), a plain read-then-versioned-write
 * loop, and the server's raw write ceilings, all against the same server in one run. Not a test:
 * it prints a markdown table and, with {@code --write FILE}, writes it there.
 * <p>
 * Arguments: {@code [--quick] [--connect HOST:PORT NAME] [--write FILE]}. Without
 * {@code --connect} it measures an in-process server; with it, that external server as well.
 */
public final class ContentionBenchmark {

	private static final String DEPOSIT_PREFIX = "/bench_";

	private static final AtomicInteger nodes = new AtomicInteger();

	private static final int GROUP_CUSTOMERS = 3;

	private static final int GROUP_DEVICES = 32;

	private static final String GROUP_COMMIT = "zk-bank group commit, " + GROUP_DEVICES + " devices per customer";

	private final Duration duration;

	private final int repeats;

	private ContentionBenchmark(Duration duration, int repeats) {
		this.duration = duration;
		this.repeats = repeats;
	}

	public static void main(String[] args) throws Exception {
		List<String> arguments = Arrays.asList(args);
		boolean quick = arguments.contains("--quick");
		ContentionBenchmark benchmark = new ContentionBenchmark(Duration.ofSeconds(quick ? 1 : 5), quick ? 1 : 3);
		int[] clientCounts = quick ? new int[] { 1, 3, 16 } : new int[] { 1, 3, 8, 16, 64 };
		List<Row> rows = new ArrayList<>();
		System.setProperty("zookeeper.forceSync", "no"); // as the standalone server: measure the protocol, not the disk
		System.setProperty("zookeeper.4lw.commands.whitelist", "*"); // cons: requests per session, for the live page
		if (arguments.contains("--live")) {
			benchmark.measureLivePage(arguments);
			return;
		}
		// 64 clients from one address: lift the server's default limit of 60 connections per address
		try (TestingServer server = new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, -1, 0), true)) {
			rows.addAll(benchmark.measure("in-process", server.getConnectString(), clientCounts));
		}
		int connect = arguments.indexOf("--connect");
		if (connect >= 0) {
			rows.addAll(benchmark.measure(arguments.get(connect + 2), arguments.get(connect + 1), clientCounts));
		}
		String report = report(rows, quick);
		System.out.println(report);
		int write = arguments.indexOf("--write");
		if (write >= 0) {
			Files.writeString(Path.of(arguments.get(write + 1)), report);
		}
		boolean conserved = rows.stream().allMatch(Row::conserved);
		if (!conserved) {
			System.err.println("a workload that claims conservation ended with money created or lost");
			System.exit(1);
		}
	}

	private List<Row> measure(String server, String connectString, int[] clientCounts) throws Exception {
		List<Row> rows = new ArrayList<>();
		rows.add(row(server, "blind synchronous setData", 1, connectString, this::blindSetData));
		rows.add(row(server, "asynchronous setData, 1,000 in flight", 1, connectString, this::pipelinedSetData));
		rows.add(row(server, GROUP_COMMIT, GROUP_CUSTOMERS, connectString,
				(connect, customers) -> bankCommits(connect, customers, GROUP_DEVICES)));
		for (int clients : clientCounts) {
			rows.add(row(server, "zk-bank commit (audited, exactly once)", clients, connectString,
					(connect, customers) -> bankCommits(connect, customers, 1)));
			rows.add(row(server, "read, then versioned write; retry at once", clients, connectString,
					this::readThenWrite));
			rows.add(row(server, "DistributedAtomicLong, exponential backoff", clients, connectString,
					(connect, n) -> atomicLong(connect, n, false)));
			rows.add(row(server, "DistributedAtomicLong, PromotedToLock", clients, connectString,
					(connect, n) -> atomicLong(connect, n, true)));
		}
		return rows;
	}

	private Row row(String server, String workload, int clients, String connectString, Workload run) throws Exception {
		List<Run> runs = new ArrayList<>();
		for (int i = 0; i < this.repeats; i++) {
			runs.add(run.run(connectString, clients));
		}
		Row row = new Row(server, workload, clients, runs);
		System.err.printf(Locale.ROOT, "%-10s %-45s %3d clients: %,9.0f ops/s%n", server, workload, clients,
				row.median());
		return row;
	}

	/** One client, unconditional writes, one at a time: the one-round-trip ceiling. */
	private Run blindSetData(String connectString, int clients) throws Exception {
		try (ZooKeeperTestClients sessions = new ZooKeeperTestClients()) {
			ZooKeeper zk = sessions.connect(connectString).getZookeeperClient().getZooKeeper();
			String path = node(zk, "0");
			byte[] data = "1000".getBytes(StandardCharsets.UTF_8);
			Clock clock = new Clock(this.duration, 1);
			clock.start();
			while (clock.running()) {
				long started = System.nanoTime();
				zk.setData(path, data, -1);
				clock.committed(0, started);
			}
			return clock.stop(0, 0, true);
		}
	}

	/** One client, unconditional asynchronous writes, up to 1,000 in flight: the server's write ceiling. */
	private Run pipelinedSetData(String connectString, int clients) throws Exception {
		try (ZooKeeperTestClients sessions = new ZooKeeperTestClients()) {
			ZooKeeper zk = sessions.connect(connectString).getZookeeperClient().getZooKeeper();
			String path = node(zk, "0");
			byte[] data = "1000".getBytes(StandardCharsets.UTF_8);
			Semaphore inFlight = new Semaphore(1_000);
			Clock clock = new Clock(this.duration, 1);
			clock.start();
			while (clock.running()) {
				inFlight.acquire();
				long started = System.nanoTime();
				zk.setData(path, data, -1, (rc, p, context, stat) -> {
					clock.committed(0, started);
					inFlight.release();
				}, null);
			}
			inFlight.acquire(1_000);
			return clock.stop(0, 0, true);
		}
	}

	/**
	 * The customers' own code: {@link Customer#operate} with no pauses, the application's retry
	 * settings, from the given number of devices (threads) per customer.
	 */
	private Run bankCommits(String connectString, int clients, int devices) throws Exception {
		return bankCommits(connectString, clients, devices, bank(DEPOSIT_PREFIX + nodes.incrementAndGet()));
	}

	/** The application's retry settings on the given deposit. */
	private static DepositSettings bank(String depositPath) {
		return new DepositSettings(new DepositProperties(depositPath, new BigDecimal("1000")), new RetryProperties(
				Duration.ofMillis(10), Duration.ofSeconds(1), Duration.ofMinutes(1)), new ZooKeeperProperties.Auth("", ""));
	}

	private Run bankCommits(String connectString, int clients, int devices, DepositSettings bank) throws Exception {
		CustomerProperties noPauses = new CustomerProperties(List.of("unused"),
				new CustomerProperties.Pace(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, devices),
				new CustomerProperties.Amounts(new BigDecimal("1000.00")));
		try (ZooKeeperTestClients sessions = new ZooKeeperTestClients()) {
			StopSignal stop = new StopSignal();
			List<Customer> customers = new ArrayList<>();
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			BankMetrics metrics = new BankMetrics(registry);
			for (int i = 0; i < clients; i++) {
				String name = "Customer" + i;
				customers.add(Customer.of(sessions.connect(connectString), name, bank, noPauses, metrics, stop));
			}
			customers.get(0).operate(); // starts the audit outside the measured time
			double conflictsBefore = conflicts(registry);
			AtomicLong giveUps = new AtomicLong();
			Clock clock = new Clock(this.duration, clients);
			clock.runThreads(devices, (client) -> {
				long started = System.nanoTime();
				OperationResult result = customers.get(client).operate().operation();
				if (result.committed()) {
					clock.committed(client, started);
				}
				else if (result.outcome() != Outcome.REJECTED) {
					giveUps.incrementAndGet(); // failed or unknown
				}
			});
			boolean conserved = new DepositAudit(sessions.connect(connectString), bank).report().conserved();
			// a conflict refuses a whole group commit: count it once, as the meter does
			return clock.stop((long) (conflicts(registry) - conflictsBefore), giveUps.get(), conserved);
		}
	}

	private static double conflicts(MeterRegistry registry) {
		return registry.find("bank.conflicts").counters().stream().mapToDouble(Counter::count).sum();
	}

	/**
	 * The cost of the live page (issue 10): zk-bank commits from 3 and 64 customers, with no
	 * application instance watching, with one watching and no page open, and with 1 and 10 pages
	 * open on its event stream; the ZooKeeper requests that instance's session sent, and what each
	 * page received. Appends (or replaces) its section in the file given with {@code --write}.
	 */
	private void measureLivePage(List<String> arguments) throws Exception {
		int[] clientCounts = arguments.contains("--quick") ? new int[] { 3 } : new int[] { 3, 64 };
		int[] pageCounts = { -1, 0, 1, 10 };
		StringBuilder table = new StringBuilder();
		String idle;
		try (TestingServer server = new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, -1, 0), true)) {
			String connect = server.getConnectString();
			for (int clients : clientCounts) {
				List<LiveRow> rows = liveRows(connect, clients, pageCounts);
				double baseline = rows.get(0).median();
				for (int i = 0; i < rows.size(); i++) {
					LiveRow row = rows.get(i);
					int pages = pageCounts[i];
					System.err.printf(Locale.ROOT, "live page: %2d customers, %-26s %,9.0f ops/s, %,.0f requests/s%n",
							clients, row.label(), row.median(), row.requestsPerSecond());
					table.append(String.format(Locale.ROOT, "| %d | %s | %,.0f | %,.0f–%,.0f | %s | %s | %s | %s | %s |%n",
							clients, row.label(), row.median(), row.min(), row.max(),
							(pages < 0) ? "" : String.format(Locale.ROOT, "%+.1f %%", 100 * (row.median() / baseline - 1)),
							(pages < 0) ? "" : String.format(Locale.ROOT, "%,.0f", row.requestsPerSecond()),
							(pages < 0) ? "" : String.format(Locale.ROOT, "%.2f", row.requestsPerCommit()),
							(pages <= 0) ? "" : String.format(Locale.ROOT, "%.1f", row.updatesPerPagePerSecond()),
							(pages <= 0) ? "" : String.format(Locale.ROOT, "%.0f", row.kilobytesPerPagePerSecond())));
				}
			}
			idle = idleRequests(connect);
		}
		String section = "## Cost of the live page\n\n"
				+ "Produced by `scripts/bench.sh --live` on " + LocalDate.now() + ", "
				+ Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version")
				+ ", in-process server: zk-bank commits (one operation per commit, no pauses) while one instance of the "
				+ "application watches the same deposit for its live page, and pages hold its event stream open. "
				+ "Median of " + this.repeats + " runs of " + this.duration.toSeconds() + " s per row, after one run not "
				+ "measured; the runs of the four rows of a customer count take turns, each row on a deposit of its own. "
				+ "`requests`: what the watching instance's ZooKeeper session sent, as the server counts them "
				+ "(`cons`); its own customer never operates, so these are the watch's reads, the audits and pings.\n\n"
				+ "| customers | watching instance | committed/s (median) | spread | vs no instance | requests/s of the instance | requests per commit | updates/s per page | KB/s per page |\n"
				+ "|---:|---|---:|---|---:|---:|---:|---:|---:|\n" + table + "\n" + idle + "\n";
		System.out.println(section);
		int write = arguments.indexOf("--write");
		if (write >= 0) {
			Path file = Path.of(arguments.get(write + 1));
			String text = Files.exists(file) ? Files.readString(file) : "";
			int start = text.indexOf("## Cost of the live page");
			if (start >= 0) {
				int end = text.indexOf("\n## ", start + 1);
				text = text.substring(0, start) + ((end >= 0) ? text.substring(end + 1) : "");
			}
			Files.writeString(file, text.stripTrailing() + "\n\n" + section);
		}
	}

	/**
	 * The rows of one client count: with no instance watching, and with one watching and 0, 1 and
	 * 10 pages open. The runs of the four take turns, so that a machine that slows down or speeds
	 * up during the measurement weighs on all of them alike.
	 */
	private List<LiveRow> liveRows(String connect, int clients, int[] pageCounts) throws Exception {
		List<LivePageLoad> loads = new ArrayList<>();
		List<DepositSettings> banks = new ArrayList<>();
		List<List<LiveRun>> runs = new ArrayList<>();
		try {
			for (int pages : pageCounts) {
				DepositSettings bank = bank(DEPOSIT_PREFIX + nodes.incrementAndGet());
				banks.add(bank);
				loads.add((pages < 0) ? null : new LivePageLoad(connect, bank.deposit().path(), pages));
				runs.add(new ArrayList<>());
				// not measured: the JIT, and every customer name in the audit (waits scale with their number)
				bankCommits(connect, clients, 1, bank);
			}
			for (int i = 0; i < this.repeats; i++) {
				for (int row = 0; row < pageCounts.length; row++) {
					runs.get(row).add(liveRun(connect, clients, banks.get(row), loads.get(row)));
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
		for (int row = 0; row < pageCounts.length; row++) {
			int pages = pageCounts[row];
			String label = switch (pages) {
				case -1 -> "none";
				case 0 -> "watching, no page open";
				case 1 -> "watching, 1 page open";
				default -> "watching, " + pages + " pages open";
			};
			rows.add(new LiveRow(label, runs.get(row)));
		}
		return rows;
	}

	/** One run of commits on the deposit, which the given instance watches unless it is {@code null}. */
	private LiveRun liveRun(String connect, int clients, DepositSettings bank, LivePageLoad load) throws Exception {
		long requests = (load != null) ? load.requests() : 0;
		long updates = (load != null) ? load.updates() : 0;
		long bytes = (load != null) ? load.bytes() : 0;
		long started = System.nanoTime();
		Run run = bankCommits(connect, clients, 1, bank);
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

	/** ZooKeeper requests of a watching instance over 10 s without commits, with no page and with 10. */
	private static String idleRequests(String connect) throws Exception {
		long[] requests = new long[2];
		int[] pages = { 0, 10 };
		for (int i = 0; i < 2; i++) {
			String path = DEPOSIT_PREFIX + nodes.incrementAndGet();
			try (LivePageLoad load = new LivePageLoad(connect, path, pages[i])) {
				Thread.sleep(2_000); // started, caches loaded, pages connected
				long before = load.requests();
				Thread.sleep(10_000);
				requests[i] = load.requests() - before;
			}
		}
		return String.format(Locale.ROOT, "With no commits, the watching instance's session sent %d ZooKeeper requests in "
				+ "10 s with no page open and %d with 10 pages open: the pings of an idle session. Under load, its "
				+ "requests per second are the same with 0, 1 and 10 pages open: a page adds no ZooKeeper request, "
				+ "it is served from the instance's one watch, which audits at most ten times a second.%n",
				requests[0], requests[1]);
	}

	private record LiveRun(Run run, long requests, double updatesPerPage, double bytesPerPage, double seconds) {
	}

	private record LiveRow(String label, List<LiveRun> runs) {

		LiveRun medianRun() {
			List<LiveRun> sorted = this.runs.stream()
				.sorted((a, b) -> Double.compare(a.run().opsPerSecond(), b.run().opsPerSecond()))
				.toList();
			return sorted.get(sorted.size() / 2);
		}

		double median() {
			return medianRun().run().opsPerSecond();
		}

		double min() {
			return this.runs.stream().mapToDouble((run) -> run.run().opsPerSecond()).min().orElse(0);
		}

		double max() {
			return this.runs.stream().mapToDouble((run) -> run.run().opsPerSecond()).max().orElse(0);
		}

		double requestsPerSecond() {
			return medianRun().requests() / medianRun().seconds();
		}

		double requestsPerCommit() {
			return medianRun().requests() / (double) Math.max(1, medianRun().run().committed());
		}

		double updatesPerPagePerSecond() {
			return medianRun().updatesPerPage() / medianRun().seconds();
		}

		double kilobytesPerPagePerSecond() {
			return medianRun().bytesPerPage() / 1024 / medianRun().seconds();
		}

	}

	/** The textbook loop: read value and version, write at that version, on a conflict start again at once. */
	private Run readThenWrite(String connectString, int clients) throws Exception {
		try (ZooKeeperTestClients sessions = new ZooKeeperTestClients()) {
			List<ZooKeeper> zks = new ArrayList<>();
			for (int i = 0; i < clients; i++) {
				zks.add(sessions.connect(connectString).getZookeeperClient().getZooKeeper());
			}
			String path = node(zks.get(0), "0");
			AtomicLong conflicts = new AtomicLong();
			Clock clock = new Clock(this.duration, clients);
			clock.runThreads((client) -> {
				ZooKeeper zk = zks.get(client);
				long started = System.nanoTime();
				while (true) {
					Stat stat = new Stat();
					long value = Long.parseLong(new String(zk.getData(path, false, stat), StandardCharsets.UTF_8));
					try {
						zk.setData(path, Long.toString(value + 1).getBytes(StandardCharsets.UTF_8), stat.getVersion());
						clock.committed(client, started);
						return;
					}
					catch (KeeperException.BadVersionException ex) {
						conflicts.incrementAndGet();
					}
				}
			});
			long value = Long.parseLong(new String(zks.get(0).getData(path, false, null), StandardCharsets.UTF_8));
			return clock.stop(conflicts.get(), 0, value == clock.total());
		}
	}

	/** Curator's recipe, with its own retry policy (and optionally promoted to a lock) as the docs show it. */
	private Run atomicLong(String connectString, int clients, boolean promoted) throws Exception {
		String path = DEPOSIT_PREFIX + nodes.incrementAndGet();
		try (ZooKeeperTestClients sessions = new ZooKeeperTestClients()) {
			List<DistributedAtomicLong> counters = new ArrayList<>();
			for (int i = 0; i < clients; i++) {
				CuratorFramework client = sessions.connect(connectString);
				ExponentialBackoffRetry retry = new ExponentialBackoffRetry(10, 10, 500);
				counters.add(promoted
						? new DistributedAtomicLong(client, path, retry,
								PromotedToLock.builder().lockPath(path + "_lock").retryPolicy(retry).build())
						: new DistributedAtomicLong(client, path, retry));
			}
			counters.get(0).initialize(0L);
			AtomicLong conflicts = new AtomicLong();
			AtomicLong giveUps = new AtomicLong();
			Clock clock = new Clock(this.duration, clients);
			clock.runThreads((client) -> {
				long started = System.nanoTime();
				AtomicValue<Long> result = counters.get(client).increment();
				conflicts.addAndGet(Math.max(0, result.getStats().getOptimisticTries() - 1));
				if (result.succeeded()) {
					clock.committed(client, started);
				}
				else {
					giveUps.incrementAndGet();
				}
			});
			return clock.stop(conflicts.get(), giveUps.get(), counters.get(0).get().postValue() == clock.total());
		}
	}

	private static String node(ZooKeeper zk, String value) throws Exception {
		String path = DEPOSIT_PREFIX + nodes.incrementAndGet();
		zk.create(path, value.getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
		return path;
	}

	private static String report(List<Row> rows, boolean quick) {
		StringBuilder out = new StringBuilder();
		out.append("# Benchmarks\n\n");
		out.append("Produced by `scripts/bench.sh").append(quick ? " --quick" : "").append("` on ")
			.append(LocalDate.now())
			.append(", ")
			.append(Runtime.getRuntime().availableProcessors())
			.append(" cores, Java ")
			.append(System.getProperty("java.version"))
			.append(". Every client has its own ZooKeeper session; no pauses; ")
			.append(quick ? "one run of 1 s per row (a smoke run, not a measurement)" : "median of 3 runs of 5 s per row")
			.append(".\n\n");
		out.append("| server | workload | clients | committed/s (median) | spread | conflicts/commit | p50 ms | p99 ms | max ms | give-ups | worst share | conserved | vs ceiling | vs async ceiling | vs best Curator |\n");
		out.append("|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|\n");
		for (Row row : rows) {
			double ceiling = ceiling(rows, row.server(), "blind");
			double asyncCeiling = ceiling(rows, row.server(), "asynchronous");
			double curator = rows.stream()
				.filter((other) -> other.server().equals(row.server()) && other.clients() == row.clients()
						&& other.workload().startsWith("DistributedAtomicLong"))
				.mapToDouble(Row::median)
				.max()
				.orElse(Double.NaN);
			Run median = row.medianRun();
			out.append(String.format(Locale.ROOT,
					"| %s | %s | %d | %,.0f | %,.0f–%,.0f | %.2f | %.2f | %.2f | %.1f | %d | %.2f | %s | %.2f | %.2f | %s |%n",
					row.server(), row.workload(), row.clients(), row.median(), row.min(), row.max(),
					median.conflictsPerCommit(), median.p50Nanos() / 1e6, median.p99Nanos() / 1e6,
					median.maxNanos() / 1e6, row.giveUps(), median.worstShare(), row.conserved() ? "yes" : "**no**",
					row.median() / ceiling, row.median() / asyncCeiling,
					row.workload().startsWith("zk-bank commit") ? String.format(Locale.ROOT, "%.2f", row.median() / curator)
							: ""));
		}
		out.append("\n`vs ceiling`: committed/s over blind synchronous `setData` from one client on the same server "
				+ "(the one-round-trip ceiling). `vs async ceiling`: over asynchronous `setData` with 1,000 in flight "
				+ "(the server's write ceiling). `vs best Curator`: over the better `DistributedAtomicLong` row "
				+ "at the same client count. `worst share`: the client with the fewest commits, over a fair share. "
				+ "`give-ups`: operations that ended failed, summed over the runs. A zk-bank withdrawal rejected "
				+ "for insufficient funds is neither committed nor a give-up.\n");
		return out.toString();
	}

	/** The median of the first row of the server whose workload starts so. */
	private static double ceiling(List<Row> rows, String server, String workload) {
		return rows.stream()
			.filter((row) -> row.server().equals(server) && row.workload().startsWith(workload))
			.mapToDouble(Row::median)
			.findFirst()
			.orElse(Double.NaN);
	}

	private interface Workload {

		Run run(String connectString, int clients) throws Exception;

	}

	private interface Operation {

		void run(int client) throws Exception;

	}

	/** One measured run of one row. */
	private record Run(double opsPerSecond, long committed, double conflictsPerCommit, long giveUps, long p50Nanos,
			long p99Nanos, long maxNanos, double worstShare, boolean conserved) {
	}

	/** The runs of one workload at one client count. */
	private record Row(String server, String workload, int clients, List<Run> runs) {

		double median() {
			return medianRun().opsPerSecond();
		}

		Run medianRun() {
			List<Run> sorted = this.runs.stream()
				.sorted((a, b) -> Double.compare(a.opsPerSecond(), b.opsPerSecond()))
				.toList();
			return sorted.get(sorted.size() / 2);
		}

		double min() {
			return this.runs.stream().mapToDouble(Run::opsPerSecond).min().orElse(0);
		}

		double max() {
			return this.runs.stream().mapToDouble(Run::opsPerSecond).max().orElse(0);
		}

		long giveUps() {
			return this.runs.stream().mapToLong(Run::giveUps).sum();
		}

		boolean conserved() {
			return this.runs.stream().allMatch(Run::conserved);
		}

	}

	/** Times a run and gathers each client's completed operations with their latencies. */
	private static final class Clock {

		private final Duration duration;

		private final long[] committed;

		private final List<long[]> latencies = new ArrayList<>();

		private final int[] sizes;

		private long startedNanos;

		private long deadline;

		private long elapsedNanos;

		Clock(Duration duration, int clients) {
			this.duration = duration;
			this.committed = new long[clients];
			this.sizes = new int[clients];
			for (int i = 0; i < clients; i++) {
				this.latencies.add(new long[1024]);
			}
		}

		void start() {
			this.startedNanos = System.nanoTime();
			this.deadline = this.startedNanos + this.duration.toNanos();
		}

		boolean running() {
			return System.nanoTime() < this.deadline;
		}

		/** Records a completed operation of the given client, from any of its threads. */
		synchronized void committed(int client, long startedNanos) {
			long latency = System.nanoTime() - startedNanos;
			this.committed[client]++;
			long[] own = this.latencies.get(client);
			if (this.sizes[client] == own.length) {
				own = Arrays.copyOf(own, own.length * 2);
				this.latencies.set(client, own);
			}
			own[this.sizes[client]++] = latency;
		}

		long total() {
			return Arrays.stream(this.committed).sum();
		}

		/** Runs one thread per client, each repeating the operation until the time is up. */
		void runThreads(Operation operation) throws InterruptedException {
			runThreads(1, operation);
		}

		/** Runs the given number of threads per client, each repeating the operation until the time is up. */
		void runThreads(int threadsPerClient, Operation operation) throws InterruptedException {
			CountDownLatch ready = new CountDownLatch(1);
			List<Thread> threads = new ArrayList<>();
			List<Exception> failures = new ArrayList<>();
			for (int i = 0; i < this.committed.length * threadsPerClient; i++) {
				int client = i / threadsPerClient;
				Thread thread = new Thread(() -> {
					try {
						ready.await();
						while (running()) {
							operation.run(client);
						}
					}
					catch (Exception ex) {
						synchronized (failures) {
							failures.add(ex);
						}
					}
				});
				threads.add(thread);
				thread.start();
			}
			start();
			ready.countDown();
			for (Thread thread : threads) {
				thread.join();
			}
			if (!failures.isEmpty()) {
				throw new IllegalStateException("a client failed", failures.get(0));
			}
		}

		synchronized Run stop(long conflicts, long giveUps, boolean conserved) {
			this.elapsedNanos = Math.max(System.nanoTime() - this.startedNanos, this.duration.toNanos());
			long total = total();
			long[] all = new long[(int) total];
			int at = 0;
			for (int i = 0; i < this.committed.length; i++) {
				System.arraycopy(this.latencies.get(i), 0, all, at, this.sizes[i]);
				at += this.sizes[i];
			}
			Arrays.sort(all);
			long worst = Arrays.stream(this.committed).min().orElse(0);
			double fair = (double) total / this.committed.length;
			return new Run(total / (this.elapsedNanos / 1e9), total, (total == 0) ? 0 : (double) conflicts / total,
					giveUps, percentile(all, 0.5), percentile(all, 0.99), (all.length == 0) ? 0 : all[all.length - 1],
					(fair == 0) ? 0 : worst / fair, conserved);
		}

		private static long percentile(long[] sorted, double quantile) {
			return (sorted.length == 0) ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))];
		}

	}

}
