package org.zkbank.bench;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * The nodes the benchmark writes: a fresh one for every run, so that no run starts on
 * another's data.
 */
final class DepositPaths {

	private static final String PREFIX = "/bench_";

	private static final AtomicInteger nodes = new AtomicInteger();

	private DepositPaths() {
	}

	/** A path no run has used yet. */
	static String next() {
		return PREFIX + nodes.incrementAndGet();
	}

	/** Creates a fresh node holding the value, and returns its path. */
	static String create(ZooKeeper zk, String value) throws KeeperException, InterruptedException {
		String path = next();
		zk.create(path, value.getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
		return path;
	}

}
