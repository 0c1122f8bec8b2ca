package org.zkbank.bench;

import java.util.List;

/**
 * The runs of one row of the live-page table: a number of customers committing, with no
 * instance watching ({@code pages} -1) or one watching with that many pages open.
 */
record LiveRow(int customers, int pages, List<LiveRun> runs) {

	String label() {
		return switch (this.pages) {
			case -1 -> "none";
			case 0 -> "watching, no page open";
			case 1 -> "watching, 1 page open";
			default -> "watching, " + this.pages + " pages open";
		};
	}

	boolean watched() {
		return this.pages >= 0;
	}

	LiveRun medianRun() {
		return Statistics.median(this.runs, (run) -> run.run().opsPerSecond());
	}

	/** Committed operations per second of the median run. */
	double median() {
		return medianRun().run().opsPerSecond();
	}

	double min() {
		return Statistics.lowest(this.runs, (run) -> run.run().opsPerSecond());
	}

	double max() {
		return Statistics.highest(this.runs, (run) -> run.run().opsPerSecond());
	}

	/**
	 * The median's change from that of the row without an instance: 0.05 for 5 % more.
	 */
	double changeFrom(LiveRow unwatched) {
		return median() / unwatched.median() - 1;
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
