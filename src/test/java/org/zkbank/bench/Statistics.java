package org.zkbank.bench;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Medians, spreads, percentiles and shares of the benchmark's runs. */
final class Statistics {

	private Statistics() {
	}

	/**
	 * The run whose value is the median; of an even number, the higher of the middle two.
	 */
	static <T> T median(List<T> runs, ToDoubleFunction<T> value) {
		List<T> sorted = runs.stream()
			.sorted((a, b) -> Double.compare(value.applyAsDouble(a), value.applyAsDouble(b)))
			.toList();
		return sorted.get(sorted.size() / 2);
	}

	/** The lowest value of the runs, 0 when there is none. */
	static <T> double lowest(List<T> runs, ToDoubleFunction<T> value) {
		return runs.stream().mapToDouble(value).min().orElse(0);
	}

	/** The highest value of the runs, 0 when there is none. */
	static <T> double highest(List<T> runs, ToDoubleFunction<T> value) {
		return runs.stream().mapToDouble(value).max().orElse(0);
	}

	/** The value at the quantile of sorted values, 0 when there is none. */
	static long percentile(long[] sorted, double quantile) {
		return (sorted.length == 0) ? 0
				: sorted[(int) Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))];
	}

	/**
	 * The commits of the client with the fewest, over a fair share of all; 0 when nothing
	 * was committed.
	 */
	static double worstShare(long[] committedPerClient) {
		long total = Arrays.stream(committedPerClient).sum();
		long worst = Arrays.stream(committedPerClient).min().orElse(0);
		double fair = (double) total / committedPerClient.length;
		return (fair == 0) ? 0 : worst / fair;
	}

}
