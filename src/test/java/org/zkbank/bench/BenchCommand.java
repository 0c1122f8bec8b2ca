package org.zkbank.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

import org.zkbank.bench.LivePageBenchmark.IdleRequests;

/**
 * The command {@code scripts/bench.sh} runs. Not a test: it measures, prints markdown
 * and, with {@code --write FILE}, replaces its section of that file
 * ({@link GeneratedSection}).
 * <p>
 * Arguments:
 * {@code [--quick] [--live] [--connect CONNECT-STRING NAME]... [--write FILE]}. By
 * default the contention table ({@link ContentionBenchmark}) of an in-process server and,
 * with each {@code --connect}, of that external server or ensemble as well; it exits with
 * 1 when a workload that promises conservation broke it. With {@code --live}, the cost of
 * the live page ({@link LivePageBenchmark}) on an in-process server instead.
 * {@code --quick}: one run of 1 s per row and fewer client counts, a smoke run.
 */
public final class BenchCommand {

	private BenchCommand() {
	}

	public static void main(String[] args) throws Exception {
		List<String> arguments = Arrays.asList(args);
		boolean quick = arguments.contains("--quick");
		Duration duration = Duration.ofSeconds(quick ? 1 : 5);
		int repeats = quick ? 1 : 3;
		int write = arguments.indexOf("--write");
		Path file = (write >= 0) ? Path.of(arguments.get(write + 1)) : null;
		// as the standalone server: measure the protocol, not the disk
		System.setProperty("zookeeper.forceSync", "no");
		// cons: requests per session, for the live page
		System.setProperty("zookeeper.4lw.commands.whitelist", "*");
		if (arguments.contains("--live")) {
			List<LiveRow> rows;
			IdleRequests idle;
			try (TestingServer server = inProcessServer()) {
				rows = new LivePageBenchmark(duration, repeats).measure(server.getConnectString(),
						quick ? new int[] { 3 } : new int[] { 3, 64 });
				idle = LivePageBenchmark.idleRequests(server.getConnectString());
			}
			String section = LivePageReport.section(rows, idle, duration, repeats);
			System.out.println(section);
			if (file != null) {
				LivePageReport.SECTION.write(file, section);
			}
			return;
		}
		ContentionBenchmark benchmark = new ContentionBenchmark(duration, repeats);
		int[] clientCounts = quick ? new int[] { 1, 3, 16 } : new int[] { 1, 3, 8, 16, 64 };
		List<Row> rows = new ArrayList<>();
		try (TestingServer server = inProcessServer()) {
			rows.addAll(benchmark.measure("in-process", server.getConnectString(), clientCounts));
		}
		for (int i = 0; i < arguments.size(); i++) {
			if (arguments.get(i).equals("--connect")) {
				rows.addAll(benchmark.measure(arguments.get(i + 2), arguments.get(i + 1), clientCounts));
			}
		}
		String section = ContentionReport.section(rows, quick);
		System.out.println(section);
		if (file != null) {
			ContentionReport.SECTION.write(file, section);
		}
		if (!rows.stream().allMatch(Row::conserved)) {
			System.err.println("a workload that claims conservation ended with money created or lost");
			System.exit(1);
		}
	}

	/**
	 * A started in-process server; 64 clients from one address: it lifts the default
	 * limit of 60 per address.
	 */
	private static TestingServer inProcessServer() throws Exception {
		return new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, -1, 0), true);
	}

}
