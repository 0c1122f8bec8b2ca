package org.zkbank.zookeeper;

import java.util.concurrent.Callable;

import org.apache.curator.framework.CuratorFramework;

/**
 * The application's ZooKeeper sessions: the shared one, Spring Cloud Zookeeper's
 * {@link CuratorFramework} bean, and new ones, each a session of its own built by Spring
 * Cloud Zookeeper's factory from the same {@code spring.cloud.zookeeper.*} properties,
 * retry policy, ensemble and customizers (so with the same request timeout and
 * credentials).
 */
public final class ZooKeeperSessions {

	private final CuratorFramework shared;

	private final Callable<CuratorFramework> factory;

	ZooKeeperSessions(CuratorFramework shared, Callable<CuratorFramework> factory) {
		this.shared = shared;
		this.factory = factory;
	}

	/** The application's session, closed by Spring. */
	public CuratorFramework shared() {
		return this.shared;
	}

	/**
	 * A started client with a session of its own, once connected; waits for a connection
	 * a while ({@code spring.cloud.zookeeper.block-until-connected-wait}). Close it with
	 * {@link #close}.
	 * @throws Exception when no connection came in time
	 */
	public CuratorFramework open() throws Exception {
		return this.factory.call();
	}

	/** Closes a client that {@link #open} made; the shared one is left to Spring. */
	public void close(CuratorFramework client) {
		if (client != this.shared) {
			client.close();
		}
	}

}
