package org.zkbank.zookeeper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real standalone ZooKeeper server in this process, on the loopback address, with its
 * data in a temporary directory that is deleted when it stops: every local run starts
 * from the opening balance.
 */
final class EmbeddedZooKeeper implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(EmbeddedZooKeeper.class);

	private final int port;

	private final Path directory;

	private final ZooKeeperServerEmbedded server;

	EmbeddedZooKeeper(int port) throws Exception {
		requireFree(port);
		this.port = port;
		this.directory = Files.createTempDirectory("zk-bank-zookeeper");
		Properties configuration = new Properties();
		configuration.setProperty("clientPort", Integer.toString(port));
		configuration.setProperty("clientPortAddress", InetAddress.getLoopbackAddress().getHostAddress());
		configuration.setProperty("dataDir", this.directory.resolve("data").toString());
		configuration.setProperty("tickTime", "2000");
		configuration.setProperty("maxCnxns", "1000");
		// its Jetty would take port 8080
		configuration.setProperty("admin.enableServer", "false");
		configuration.setProperty("4lw.commands.whitelist", "ruok,mntr,srvr,stat");
		this.server = ZooKeeperServerEmbedded.builder()
			.baseDir(this.directory)
			.configuration(configuration)
			.exitHandler(ExitHandler.LOG_ONLY)
			.build();
		this.server.start(30_000);
		log.info("Embedded ZooKeeper serving on {}", connectString());
	}

	String connectString() {
		return InetAddress.getLoopbackAddress().getHostAddress() + ":" + this.port;
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		try (Stream<Path> paths = Files.walk(this.directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
	}

	private static void requireFree(int port) {
		try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
			probe.setReuseAddress(true);
		}
		catch (IOException ex) {
			throw new IllegalStateException("bank.embedded-zookeeper.port " + port
					+ " is in use: stop what listens there, choose another port, or run a customer profile "
					+ "against that ZooKeeper (--spring.profiles.active=alice)", ex);
		}
	}

}
