package org.zkbank.support;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.apache.zookeeper.server.DataNode;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/**
 * A real standalone ZooKeeper server in this process, on a free loopback port, whose data
 * tree a test may reach into: to put a node at a version that would take billions of
 * writes to reach. It can be stopped and started again on the same port and data, as a
 * restarted server.
 */
public final class InProcessZooKeeper implements AutoCloseable {

	private final File directory;

	private final int tickTime;

	private final int port;

	private ZooKeeperServer server;

	private ServerCnxnFactory connections;

	/** A server with ticks of 200 ms: it grants sessions of 0.4 to 4 s. */
	public InProcessZooKeeper() throws IOException, InterruptedException {
		this(200);
	}

	/** A server with ticks of this length: it grants sessions of 2 to 20 ticks. */
	public InProcessZooKeeper(int tickTime) throws IOException, InterruptedException {
		this.directory = Files.createTempDirectory("zk-bank-test").toFile();
		this.tickTime = tickTime;
		start(0);
		this.port = this.connections.getLocalPort();
	}

	private void start(int port) throws IOException, InterruptedException {
		this.server = new ZooKeeperServer(this.directory, this.directory, this.tickTime);
		this.connections = ServerCnxnFactory
			.createFactory(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 100);
		this.connections.startup(this.server);
	}

	public int port() {
		return this.port;
	}

	public String connectString() {
		return "127.0.0.1:" + this.port;
	}

	/** Where the server writes its snapshots and transaction log. */
	public File dataDirectory() {
		return this.directory;
	}

	/**
	 * Stops serving: every connection is closed, new ones are refused; the data stays.
	 */
	public synchronized void stop() {
		if (this.server != null) {
			this.connections.shutdown();
			this.server.shutdown();
			this.server = null;
		}
	}

	/**
	 * Serves again on the same port, from the data it had written (sessions included).
	 */
	public synchronized void restart() throws IOException, InterruptedException {
		stop();
		start(this.port);
	}

	/** Sets a node's data version as if it had been written that many times. */
	public void setVersion(String path, int version) {
		DataNode node = this.server.getZKDatabase().getDataTree().getNode(path);
		synchronized (node) {
			node.stat.setVersion(version);
		}
	}

	/**
	 * Sets a node's data and version at once, as if it had been written that many times.
	 */
	public void setData(String path, byte[] data, int version) throws Exception {
		this.server.getZKDatabase()
			.getDataTree()
			.setData(path, data, version, this.server.getZKDatabase().getDataTreeLastProcessedZxid(),
					System.currentTimeMillis());
	}

	@Override
	public void close() throws IOException {
		stop();
		try (Stream<Path> paths = Files.walk(this.directory.toPath())) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
	}

}
