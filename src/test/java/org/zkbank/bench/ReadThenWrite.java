package org.zkbank.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

import org.zkbank.support.ZooKeeperTestClients;

/**
 * The textbook loop: read value and version, write at that version, on a conflict start
 * again at once.
 */
record ReadThenWrite(Duration duration) implements Workload {

	@Override
	public String label() {
		return "read, then versioned write; retry at once";
	}

	@Override
	public Run run(String connectString, int clients) throws Exception {
		try (ZooKeeperTestClients sessions = new ZooKeeperTestClients()) {
			List<ZooKeeper> zks = new ArrayList<>();
			for (int i = 0; i < clients; i++) {
				zks.add(sessions.connect(connectString).getZookeeperClient().getZooKeeper());
			}
			String path = DepositPaths.create(zks.get(0), "0");
			AtomicLong conflicts = new AtomicLong();
			RunRecorder recorder = new RunRecorder(this.duration, clients, connectString);
			recorder.runThreads((client) -> {
				ZooKeeper zk = zks.get(client);
				long started = System.nanoTime();
				while (true) {
					Stat stat = new Stat();
					long value = Long.parseLong(new String(zk.getData(path, false, stat), StandardCharsets.UTF_8));
					try {
						zk.setData(path, Long.toString(value + 1).getBytes(StandardCharsets.UTF_8), stat.getVersion());
						recorder.committed(client, started);
						return;
					}
					catch (KeeperException.BadVersionException ex) {
						conflicts.incrementAndGet();
					}
				}
			});
			long value = Long.parseLong(new String(zks.get(0).getData(path, false, null), StandardCharsets.UTF_8));
			return recorder.stop(conflicts.get(), 0, value == recorder.total());
		}
	}

}
