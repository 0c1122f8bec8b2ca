package org.zkbank.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.zkbank.bench.LivePageBenchmark.IdleRequests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class GeneratedSectionTests {

	private static final GeneratedSection FOOTPRINT = new GeneratedSection("footprint");

	private static final String PAGE = """
			# Benchmarks

			Hand-written: where it stands.

			<!-- generated: contention -->

			old contention table

			<!-- end generated: contention -->

			More prose, with `code` and a [link](docs/design.md).

			<!-- generated: footprint -->

			| old | footprint |

			<!-- end generated: footprint -->

			The last words.
			""";

	@Test
	void replacesOnlyWhatStandsBetweenItsMarkers() {
		String text = FOOTPRINT.replace(PAGE, "| new | footprint |\n");

		assertThat(text).isEqualTo(PAGE.replace("| old | footprint |", "| new | footprint |"));
	}

	@Test
	void writingTheSameSectionAgainChangesNothing() {
		String once = ContentionReport.SECTION.replace(PAGE, "Produced by a test.\n\n| a | b |\n");

		assertThat(ContentionReport.SECTION.replace(once, "Produced by a test.\n\n| a | b |\n")).isEqualTo(once);
		assertThat(once).contains("old | footprint").doesNotContain("old contention table");
	}

	@Test
	void addsTheMarkedSectionAtTheEndOfAFileWithoutIt() {
		String text = LivePageReport.SECTION.replace(PAGE, "\nthe live page\n\n");

		assertThat(text).isEqualTo(
				PAGE + "\n<!-- generated: live-page -->\n\nthe live page\n\n" + "<!-- end generated: live-page -->\n");
	}

	@Test
	void createsAMissingFile(@TempDir Path folder) throws Exception {
		Path file = folder.resolve("BENCHMARKS.md");

		FOOTPRINT.write(file, "| a | b |");

		assertThat(file)
			.hasContent("<!-- generated: footprint -->\n\n| a | b |\n\n<!-- end generated: footprint -->\n");
	}

	@ParameterizedTest
	@ValueSource(strings = { "<!-- generated: footprint -->\nno end\n", "no start\n<!-- end generated: footprint -->\n",
			"<!-- end generated: footprint -->\n<!-- generated: footprint -->\n",
			"<!-- generated: footprint -->\n<!-- end generated: footprint -->\n<!-- generated: footprint -->\n" })
	void refusesMarkersThatDoNotPairUp(String text) {
		assertThatIllegalStateException().isThrownBy(() -> FOOTPRINT.replace(text, "new"))
			.withMessageContaining("section 'footprint'");
	}

	@Test
	void refusesANameThatIsNoMarker() {
		assertThatIllegalArgumentException().isThrownBy(() -> new GeneratedSection("foot print -->"));
	}

	/**
	 * What a full run of scripts/bench.sh does to BENCHMARKS.md, on a copy: only the
	 * tables change.
	 */
	@Test
	void benchmarksMdKeepsEveryHandWrittenLine(@TempDir Path folder) throws Exception {
		Path copy = folder.resolve("BENCHMARKS.md");
		Files.copy(Path.of("BENCHMARKS.md"), copy);
		String before = Files.readString(copy);

		ContentionReport.SECTION.write(copy, ContentionReport.section(contentionRows(), false));
		LivePageReport.SECTION.write(copy,
				LivePageReport.section(liveRows(), new IdleRequests(9, 10), Duration.ofSeconds(5), 3));
		FOOTPRINT.write(copy, "| zk-bank customer (alice) | 9.99 | 1 | 2 | 3 |\n");

		String after = Files.readString(copy);
		assertThat(handWritten(after)).isEqualTo(handWritten(before));
		assertThat(after)
			.contains("| test | zk-bank commit (audited, exactly once) | 1 | 2,000 | 2,000–2,000 | 0.00 | 0.25 | 0.50 "
					+ "| 1.00 | 2.0 | 0 | 1.00 | yes | 0.50 | 0.10 | 1.25 |")
			.contains("| test | blind synchronous setData | 1 | 4,000 | 3,000–5,000 |")
			.contains("| 3 | watching, 1 page open | 3,300 | 3,300–3,300 | -10.0 % | 20 | ")
			.contains("sent 9 ZooKeeper requests in 10 s with no page open and 10 with 10 pages open")
			.contains("| zk-bank customer (alice) | 9.99 | 1 | 2 | 3 |")
			.doesNotContain("| 40,222 |");
	}

	/** The text with what stands between each pair of markers left out. */
	private static String handWritten(String text) {
		return text.replaceAll("(?s)(<!-- generated: ([a-z-]+) -->).*?(<!-- end generated: \\2 -->)", "$1$3");
	}

	private static List<Row> contentionRows() {
		return List.of(new Row("test", SetDataCeiling.BLIND, 1, List.of(run(3_000), run(4_000), run(5_000))),
				new Row("test", SetDataCeiling.PIPELINED, 1, List.of(run(20_000))),
				new Row("test", BankCommits.ONE_PER_COMMIT, 1, List.of(run(2_000, 2_500))),
				new Row("test", new AtomicLongIncrements(Duration.ZERO, false).label(), 1, List.of(run(1_000))),
				new Row("test", new AtomicLongIncrements(Duration.ZERO, true).label(), 1, List.of(run(1_600))));
	}

	private static List<LiveRow> liveRows() {
		return List.of(new LiveRow(3, -1, List.of(new LiveRun(run(3_667), 0, 0, 0, 1))),
				new LiveRow(3, 1, List.of(new LiveRun(run(3_300), 20, 9, 100 * 1024, 1))));
	}

	private static Run run(double opsPerSecond) {
		return run(opsPerSecond, (long) opsPerSecond);
	}

	/**
	 * A run whose operations are one write each, with the requests the servers received.
	 */
	private static Run run(double opsPerSecond, long requests) {
		return new Run(opsPerSecond, (long) opsPerSecond, 0, 0, 500_000, 1_000_000, 2_000_000, 1, true, requests,
				(long) opsPerSecond);
	}

}
