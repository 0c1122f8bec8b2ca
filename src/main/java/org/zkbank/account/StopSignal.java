package org.zkbank.account;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Tells customers to stop. Pauses end early on stop; ZooKeeper calls are never
 * interrupted, so an operation in flight ends committed or not applied, never half-known.
 */
public final class StopSignal {

	private final CountDownLatch stopped = new CountDownLatch(1);

	private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

	public void stop() {
		this.stopped.countDown();
		this.listeners.forEach(Runnable::run);
	}

	public boolean isStopped() {
		return this.stopped.getCount() == 0;
	}

	/**
	 * Runs the given action when stop is signalled (at once if it was), to end a wait
	 * that is not a {@link #pause}, until it is removed.
	 */
	void onStop(Runnable action) {
		this.listeners.add(action);
		if (isStopped()) {
			action.run();
		}
	}

	void removeOnStop(Runnable action) {
		this.listeners.remove(action);
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
