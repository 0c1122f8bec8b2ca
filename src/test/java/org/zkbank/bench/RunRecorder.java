package org.zkbank.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Times a run and gathers each client's completed operations with their latencies, and
 * the requests the servers received meanwhile ({@link FourLetterWords}).
 */
final class RunRecorder {

	private final Duration duration;

	private final String connectString;

	private final long[] committed;

	private final List<long[]> latencies = new ArrayList<>();

	private final int[] sizes;

	private long startedNanos;

	private long deadline;

	private long requestsAtStart;

	private long requests = -1;

	RunRecorder(Duration duration, int clients, String connectString) {
		this.duration = duration;
		this.connectString = connectString;
		this.committed = new long[clients];
		this.sizes = new int[clients];
		for (int i = 0; i < clients; i++) {
			this.latencies.add(new long[1024]);
		}
	}

	void start() {
		this.requestsAtStart = FourLetterWords.packetsReceived(this.connectString);
		this.startedNanos = System.nanoTime();
		this.deadline = this.startedNanos + this.duration.toNanos();
	}

	/**
	 * Marks the end of the clients' requests: what the servers received after it, such as
	 * a check of the result, is not the run's.
	 */
	void finish() {
		this.requests = FourLetterWords.packetsReceived(this.connectString) - this.requestsAtStart;
	}

	boolean running() {
		return System.nanoTime() < this.deadline;
	}

	/** Records a completed operation of the given client, from any of its threads. */
	synchronized void committed(int client, long startedNanos) {
		long latency = System.nanoTime() - startedNanos;
		this.committed[client]++;
		long[] own = this.latencies.get(client);
		if (this.sizes[client] == own.length) {
			own = Arrays.copyOf(own, own.length * 2);
			this.latencies.set(client, own);
		}
		own[this.sizes[client]++] = latency;
	}

	long total() {
		return Arrays.stream(this.committed).sum();
	}

	/** Runs one thread per client, each repeating the step until the time is up. */
	void runThreads(ClientStep step) throws InterruptedException {
		runThreads(1, step);
	}

	/**
	 * Runs the given number of threads per client, each repeating the step until the time
	 * is up.
	 */
	void runThreads(int threadsPerClient, ClientStep step) throws InterruptedException {
		CountDownLatch ready = new CountDownLatch(1);
		List<Thread> threads = new ArrayList<>();
		List<Exception> failures = new ArrayList<>();
		for (int i = 0; i < this.committed.length * threadsPerClient; i++) {
			int client = i / threadsPerClient;
			Thread thread = new Thread(() -> {
				try {
					ready.await();
					while (running()) {
						step.run(client);
					}
				}
				catch (Exception ex) {
					synchronized (failures) {
						failures.add(ex);
					}
				}
			});
			threads.add(thread);
			thread.start();
		}
		start();
		ready.countDown();
		for (Thread thread : threads) {
			thread.join();
		}
		finish();
		if (!failures.isEmpty()) {
			throw new IllegalStateException("a client failed", failures.get(0));
		}
	}

	/**
	 * The run's figures, each completed operation one write: at least the run's duration
	 * counts as its time.
	 */
	Run stop(long conflicts, long giveUps, boolean conserved) {
		return stop(conflicts, giveUps, conserved, total());
	}

	/**
	 * The run's figures, with the writes that completed its operations: at least the
	 * run's duration counts as its time.
	 */
	synchronized Run stop(long conflicts, long giveUps, boolean conserved, long writes) {
		if (this.requests < 0) {
			throw new IllegalStateException("finish() was not called");
		}
		long elapsedNanos = Math.max(System.nanoTime() - this.startedNanos, this.duration.toNanos());
		long total = total();
		long[] all = new long[(int) total];
		int at = 0;
		for (int i = 0; i < this.committed.length; i++) {
			System.arraycopy(this.latencies.get(i), 0, all, at, this.sizes[i]);
			at += this.sizes[i];
		}
		Arrays.sort(all);
		long max = (all.length == 0) ? 0 : all[all.length - 1];
		return new Run(total / (elapsedNanos / 1e9), total, (total == 0) ? 0 : (double) conflicts / total, giveUps,
				Statistics.percentile(all, 0.5), Statistics.percentile(all, 0.99), max,
				Statistics.worstShare(this.committed), conserved, this.requests, writes);
	}

}
