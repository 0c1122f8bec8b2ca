package org.zkbank.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Semaphore;

import org.apache.zookeeper.ZooKeeper;

import org.zkbank.support.ZooKeeperTestClients;

/** One client, unconditional asynchronous writes, up to 1,000 in flight: the server's write ceiling. */
final class PipelinedSetData implements Workload {

	static final String LABEL = "asynchronous setData, 1,000 in flight";

	private final Duration duration;

	PipelinedSetData(Duration duration) {
		this.duration = duration;
	}

	@Override
	public String label() {
		return LABEL;
	}

	@Override
	public Run run(String connectString, int clients) throws Exception {
		try (ZooKeeperTestClients sessions = new ZooKeeperTestClients()) {
			ZooKeeper zk = sessions.connect(connectString).getZookeeperClient().getZooKeeper();
			String path = DepositPaths.create(zk, "0");
			byte[] data = "1000".getBytes(StandardCharsets.UTF_8);
			Semaphore inFlight = new Semaphore(1_000);
			RunRecorder recorder = new RunRecorder(this.duration, 1);
			recorder.start();
			while (recorder.running()) {
				inFlight.acquire();
				long started = System.nanoTime();
				zk.setData(path, data, -1, (rc, p, context, stat) -> {
					recorder.committed(0, started);
					inFlight.release();
				}, null);
			}
			inFlight.acquire(1_000);
			return recorder.stop(0, 0, true);
		}
	}

}
