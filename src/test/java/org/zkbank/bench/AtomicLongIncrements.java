package org.zkbank.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.atomic.AtomicValue;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicLong;
import org.apache.curator.framework.recipes.atomic.PromotedToLock;
import org.apache.curator.retry.ExponentialBackoffRetry;

import org.zkbank.support.ZooKeeperTestClients;

/**
 * Curator's recipe, {@link DistributedAtomicLong#increment}, with its own retry policy
 * (and optionally promoted to a lock) as the docs show it.
 */
record AtomicLongIncrements(Duration duration, boolean promoted) implements Workload {

	/** How the labels of both configurations start. */
	static final String LABEL_PREFIX = "DistributedAtomicLong";

	@Override
	public String label() {
		return LABEL_PREFIX + (this.promoted ? ", PromotedToLock" : ", exponential backoff");
	}

	@Override
	public Run run(String connectString, int clients) throws Exception {
		String path = DepositPaths.next();
		try (ZooKeeperTestClients sessions = new ZooKeeperTestClients()) {
			List<DistributedAtomicLong> counters = new ArrayList<>();
			for (int i = 0; i < clients; i++) {
				CuratorFramework client = sessions.connect(connectString);
				ExponentialBackoffRetry retry = new ExponentialBackoffRetry(10, 10, 500);
				counters.add(this.promoted
						? new DistributedAtomicLong(client, path, retry,
								PromotedToLock.builder().lockPath(path + "_lock").retryPolicy(retry).build())
						: new DistributedAtomicLong(client, path, retry));
			}
			counters.get(0).initialize(0L);
			AtomicLong conflicts = new AtomicLong();
			AtomicLong giveUps = new AtomicLong();
			RunRecorder recorder = new RunRecorder(this.duration, clients, connectString);
			recorder.runThreads((client) -> {
				long started = System.nanoTime();
				AtomicValue<Long> result = counters.get(client).increment();
				conflicts.addAndGet(Math.max(0, result.getStats().getOptimisticTries() - 1));
				if (result.succeeded()) {
					recorder.committed(client, started);
				}
				else {
					giveUps.incrementAndGet();
				}
			});
			return recorder.stop(conflicts.get(), giveUps.get(), counters.get(0).get().postValue() == recorder.total());
		}
	}

}
