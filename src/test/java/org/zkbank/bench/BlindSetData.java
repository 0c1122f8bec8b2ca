package org.zkbank.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.apache.zookeeper.ZooKeeper;

import org.zkbank.support.ZooKeeperTestClients;

/** One client, unconditional writes, one at a time: the one-round-trip ceiling. */
final class BlindSetData implements Workload {

	static final String LABEL = "blind synchronous setData";

	private final Duration duration;

	BlindSetData(Duration duration) {
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
			RunRecorder recorder = new RunRecorder(this.duration, 1);
			recorder.start();
			while (recorder.running()) {
				long started = System.nanoTime();
				zk.setData(path, data, -1);
				recorder.committed(0, started);
			}
			return recorder.stop(0, 0, true);
		}
	}

}
