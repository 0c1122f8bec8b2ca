package org.zkbank.account;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long a commit waits after a write that failed other than by a conflict: full-jitter
 * exponential backoff, from {@code bank.retry.initial-backoff} doubling per attempt up to
 * {@code bank.retry.max-backoff}.
 */
final class Backoff {

	private final RetryProperties retry;

	Backoff(RetryProperties retry) {
		this.retry = retry;
	}

	/** A pause after the given number of attempts. */
	Duration after(int attempts) {
		long capNanos = this.retry.initialBackoff().toNanos();
		long maxNanos = this.retry.maxBackoff().toNanos();
		for (int doubling = 1; doubling < attempts && capNanos < maxNanos; doubling++) {
			capNanos *= 2;
		}
		return Duration.ofNanos(ThreadLocalRandom.current().nextLong(Math.min(capNanos, maxNanos) + 1));
	}

}
