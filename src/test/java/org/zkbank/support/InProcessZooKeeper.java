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
 * A real standalone ZooKeeper server in this process, on a free loopback port, whose data tree a
 * test may reach into: to put a node at a version that would take billions of writes to reach.
 */
public final class InProcessZooKeeper implements AutoCloseable {

	private final File directory;

	private final ZooKeeperServer server;

	private final ServerCnxnFactory connections;

	public InProcessZooKeeper() throws IOException, InterruptedException {
		this.directory = Files.createTempDirectory("zk-bank-test").toFile();
		this.server = new ZooKeeperServer(this.directory, this.directory, 200);
		this.connections = ServerCnxnFactory.createFactory(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
				100);
		this.connections.startup(this.server);
	}

	public int port() {
		return this.connections.getLocalPort();
	}

	public String connectString() {
		return "127.0.0.1:" + port();
	}

	/** Where the server writes its snapshots and transaction log. */
	public File dataDirectory() {
		return this.directory;
	}

	/** Sets a node's data version as if it had been written that many times. */
	public void setVersion(String path, int version) {
		DataNode node = this.server.getZKDatabase().getDataTree().getNode(path);
		synchronized (node) {
			node.stat.setVersion(version);
		}
	}

	/** Sets a node's data and version at once, as if it had been written that many times. */
	public void setData(String path, byte[] data, int version) throws Exception {
		this.server.getZKDatabase()
			.getDataTree()
			.setData(path, data, version, this.server.getZKDatabase().getDataTreeLastProcessedZxid(),
					System.currentTimeMillis());
	}

	@Override
	public void close() throws IOException {
		this.connections.shutdown();
		this.server.shutdown();
		try (Stream<Path> paths = Files.walk(this.directory.toPath())) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
	}

}
