package org.zkbank.account;

import java.time.Duration;

/**
 * A moving average of one customer instance's round trips to ZooKeeper: the unit in which
 * it waits for others, so that its waits fit the server it talks to.
 */
final class RoundTrips {

	private volatile long nanos = Duration.ofMillis(1).toNanos();

	/**
	 * Learns from one round trip. A stalled one (a pause of the collector, a reconnect)
	 * counts as at most four times the estimate, so that one outlier does not stretch
	 * every wait. Reads from several devices may race here, which an estimate can bear.
	 */
	void record(long sentNanos) {
		long sample = Math.min(System.nanoTime() - sentNanos, 4 * this.nanos);
		this.nanos += (sample - this.nanos) / 8;
	}

	/** About the given number of round trips. */
	long nanos(int count) {
		return this.nanos * count;
	}

}
