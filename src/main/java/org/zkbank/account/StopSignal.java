package org.zkbank.account;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Tells customers to stop. Pauses end early on stop; ZooKeeper calls are never
 * interrupted, so an operation in flight ends committed or not applied, never half-known.
 */
public final class StopSignal {

	private final CountDownLatch stopped = new CountDownLatch(1);

	public void stop() {
		this.stopped.countDown();
	}

	public boolean isStopped() {
		return this.stopped.getCount() == 0;
	}

	/**
	 * Pauses for the given time.
	 * @return {@code true} if the whole pause passed, {@code false} if stop was signalled
	 */
	public boolean pause(Duration duration) {
		try {
			return !this.stopped.await(duration.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
