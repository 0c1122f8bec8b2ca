package org.zkbank.bench;

import java.util.List;

/**
 * The runs of one workload at one client count, on one server: one row of the contention
 * table.
 */
record Row(String server, String workload, int clients, List<Run> runs) {

	/** Committed operations per second of the median run. */
	double median() {
		return medianRun().opsPerSecond();
	}

	Run medianRun() {
		return Statistics.median(this.runs, Run::opsPerSecond);
	}

	double min() {
		return Statistics.lowest(this.runs, Run::opsPerSecond);
	}

	double max() {
		return Statistics.highest(this.runs, Run::opsPerSecond);
	}

	long giveUps() {
		return this.runs.stream().mapToLong(Run::giveUps).sum();
	}

	boolean conserved() {
		return this.runs.stream().allMatch(Run::conserved);
	}

}
