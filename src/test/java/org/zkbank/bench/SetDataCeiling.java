package org.zkbank.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Semaphore;

import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;

import org.zkbank.support.ZooKeeperTestClients;

/**
 * One client's unconditional writes to one node, the server's raw ceilings: one at a
 * time, the one-round-trip ceiling; asynchronous with up to 1,000 in flight
 * ({@code pipelined}), the server's write ceiling.
 */
record SetDataCeiling(Duration duration, boolean pipelined) implements Workload {

	static final String BLIND = "blind synchronous setData";

	static final String PIPELINED = "asynchronous setData, 1,000 in flight";

	private static final int IN_FLIGHT = 1_000;

	@Override
	public String label() {
		return this.pipelined ? PIPELINED : BLIND;
	}

	/** A run of one client, whatever the number asked for. */
	@Override
	public Run run(String connectString, int clients) throws Exception {
		try (ZooKeeperTestClients sessions = new ZooKeeperTestClients()) {
			ZooKeeper zk = sessions.connect(connectString).getZookeeperClient().getZooKeeper();
			String path = DepositPaths.create(zk, "0");
			byte[] data = "1000".getBytes(StandardCharsets.UTF_8);
			RunRecorder recorder = new RunRecorder(this.duration, 1, connectString);
			recorder.start();
			if (this.pipelined) {
				writeAsynchronously(zk, path, data, recorder);
			}
			else {
				writeSynchronously(zk, path, data, recorder);
			}
			recorder.finish();
			return recorder.stop(0, 0, true);
		}
	}

	private static void writeSynchronously(ZooKeeper zk, String path, byte[] data, RunRecorder recorder)
			throws KeeperException, InterruptedException {
		while (recorder.running()) {
			long started = System.nanoTime();
			zk.setData(path, data, -1);
			recorder.committed(0, started);
		}
	}

	/** Until the time is up, then until the last reply is in. */
	private static void writeAsynchronously(ZooKeeper zk, String path, byte[] data, RunRecorder recorder)
			throws InterruptedException {
		Semaphore inFlight = new Semaphore(IN_FLIGHT);
		while (recorder.running()) {
			inFlight.acquire();
			long started = System.nanoTime();
			zk.setData(path, data, -1, (rc, p, context, stat) -> {
				recorder.committed(0, started);
				inFlight.release();
			}, null);
		}
		inFlight.acquire(IN_FLIGHT);
	}

}
