package org.zkbank.support;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ZKConfig;

import org.zkbank.account.DepositProperties;
import org.zkbank.account.DepositSettings;
import org.zkbank.account.RetryProperties;
import org.zkbank.zookeeper.ZooKeeperProperties;

/**
 * Clients and settings for tests against a real in-process ZooKeeper server; closes what
 * it made.
 */
public final class ZooKeeperTestClients implements AutoCloseable {

	private final List<CuratorFramework> clients = Collections.synchronizedList(new ArrayList<>());

	private final int sessionTimeoutMs;

	/** Clients with a 15 s session timeout. */
	public ZooKeeperTestClients() {
		this(15_000);
	}

	/** Clients with this session timeout (the server bounds it by 2 to 20 ticks). */
	public ZooKeeperTestClients(int sessionTimeoutMs) {
		this.sessionTimeoutMs = sessionTimeoutMs;
	}

	/** A started and connected client with its own session. */
	public CuratorFramework connect(String connectString) throws InterruptedException {
		return connected(connectLater(connectString));
	}

	/** A started and connected client authenticated with ZooKeeper digest credentials. */
	public CuratorFramework connectAs(String connectString, String username, String password)
			throws InterruptedException {
		return connected(start(builder(connectString).authorization("digest",
				(username + ":" + password).getBytes(StandardCharsets.UTF_8))));
	}

	/**
	 * A started client with its own session, connecting in the background, maybe to a
	 * server not up yet.
	 */
	public CuratorFramework connectLater(String connectString) {
		return start(builder(connectString));
	}

	private CuratorFramework start(CuratorFrameworkFactory.Builder builder) {
		CuratorFramework client = builder.build();
		this.clients.add(client);
		client.start();
		return client;
	}

	private static CuratorFramework connected(CuratorFramework client) throws InterruptedException {
		if (!client.blockUntilConnected(10, TimeUnit.SECONDS)) {
			throw new IllegalStateException(
					"no connection to " + client.getZookeeperClient().getCurrentConnectionString());
		}
		return client;
	}

	private CuratorFrameworkFactory.Builder builder(String connectString) {
		// as the application's sessions (ZooKeeperConfiguration): large replies are read,
		// not dropped
		ZKClientConfig config = new ZKClientConfig();
		config.setProperty(ZKConfig.JUTE_MAXBUFFER, Integer.toString(8 * 1024 * 1024));
		return CuratorFrameworkFactory.builder()
			.zkClientConfig(config)
			.connectString(connectString)
			.sessionTimeoutMs(this.sessionTimeoutMs)
			.connectionTimeoutMs(Math.min(5_000, this.sessionTimeoutMs))
			.retryPolicy(new RetryOneTime(10))
			// as the application's clients: keep to the given address (a proxy)
			.ensembleTracker(false);
	}

	/** Settings with short backoffs, on a deposit path of the test's own. */
	public static DepositSettings properties(String depositPath) {
		return properties(depositPath, new ZooKeeperProperties.Auth("", ""));
	}

	/** The same, with ZooKeeper digest credentials. */
	public static DepositSettings properties(String depositPath, ZooKeeperProperties.Auth auth) {
		return new DepositSettings(new DepositProperties(depositPath, new BigDecimal("1000")),
				new RetryProperties(Duration.ofMillis(1), Duration.ofMillis(20), Duration.ofSeconds(30)), auth);
	}

	/** Closes every client made so far; the next ones are closed by the next call. */
	@Override
	public void close() {
		List<CuratorFramework> made;
		synchronized (this.clients) {
			made = new ArrayList<>(this.clients);
			this.clients.clear();
		}
		made.forEach(CuratorFramework::close);
	}

}
