package org.zkbank.account;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an action of one customer instance once it has been idle for a while: after a
 * commit that armed it, when no commit started for the idle time. The action runs on a
 * timer thread that every instance in the process shares, and must not block; a commit
 * that starts meanwhile waits for it to finish, so that the instance's state is used by
 * one thread at a time. While commits follow each other, the timer wakes once per idle
 * time, not once per commit.
 */
final class IdleTimer {

	private static final Logger log = LoggerFactory.getLogger(IdleTimer.class);

	private static final ScheduledExecutorService timer = timer();

	private final BooleanSupplier action;

	private final LongSupplier idleNanos;

	private final Object lock = new Object();

	/** Whether a commit is in progress. Guarded by the lock, as every field below. */
	private boolean busy;

	/** Whether the action is running. */
	private boolean running;

	/** Whether a check is scheduled. */
	private boolean scheduled;

	/** When the instance became idle after a commit that armed the timer; 0 if none. */
	private long idleSince;

	/**
	 * @param action runs once the instance is idle; returns whether to run again after
	 * another idle time unless a commit starts
	 * @param idleNanos the idle time
	 */
	IdleTimer(BooleanSupplier action, LongSupplier idleNanos) {
		this.action = action;
		this.idleNanos = idleNanos;
	}

	/** A commit starts: disarms the timer, and waits for the action if it is running. */
	void busy() {
		boolean interrupted = false;
		synchronized (this.lock) {
			this.busy = true;
			this.idleSince = 0;
			while (this.running) {
				try {
					this.lock.wait();
				}
				catch (InterruptedException ex) {
					interrupted = true; // the action is short: wait for it, keep the flag
				}
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * A commit ended.
	 * @param armed whether to run the action if no commit starts within the idle time
	 */
	void idle(boolean armed) {
		synchronized (this.lock) {
			this.busy = false;
			this.idleSince = armed ? System.nanoTime() : 0;
			scheduleIfArmed(this.idleNanos.getAsLong());
		}
	}

	private void check() {
		synchronized (this.lock) {
			this.scheduled = false;
			if (this.busy || this.idleSince == 0) {
				return; // the end of the commit arms it again
			}
			long left = this.idleSince + this.idleNanos.getAsLong() - System.nanoTime();
			if (left > 0) {
				scheduleIfArmed(left);
				return;
			}
			this.idleSince = 0;
			this.running = true;
		}
		boolean again = false;
		try {
			again = this.action.getAsBoolean();
		}
		catch (RuntimeException ex) {
			// a defect: the scheduler would keep it silently in a future nobody reads
			log.error("The idle hand-over of a turn failed", ex);
		}
		finally {
			synchronized (this.lock) {
				this.running = false;
				this.lock.notifyAll();
				if (again && !this.busy) {
					this.idleSince = System.nanoTime();
					scheduleIfArmed(this.idleNanos.getAsLong());
				}
			}
		}
	}

	private void scheduleIfArmed(long delayNanos) {
		if (this.idleSince != 0 && !this.scheduled) {
			this.scheduled = true;
			timer.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
		}
	}

	private static ScheduledExecutorService timer() {
		ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "zk-bank-idle-timer");
			thread.setDaemon(true);
			return thread;
		});
		timer.setRemoveOnCancelPolicy(true);
		return timer;
	}

}
