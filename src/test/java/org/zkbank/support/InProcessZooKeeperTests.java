package org.zkbank.support;

import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The server the fixture gives a test: sessions as its ticks bound them, and a restart
 * that keeps what it had.
 */
class InProcessZooKeeperTests {

	@RegisterExtension
	final RealZooKeeper zk = RealZooKeeper.perTest().tickTime(3_000);

	@Test
	void aStoppedServerRefusesConnectionsAndARestartedOneServesItsDataAndSessionsOnTheSamePort() throws Exception {
		CuratorFramework zkCli = this.zk.zkCli();
		zkCli.create().forPath("/kept", "before".getBytes(StandardCharsets.UTF_8));
		long session = zkCli.getZookeeperClient().getZooKeeper().getSessionId();

		this.zk.server().stop();
		assertThatExceptionOfType(ConnectException.class)
			.isThrownBy(() -> new Socket("127.0.0.1", this.zk.server().port()).close());
		this.zk.server().restart();

		assertThat(zkCli.getZookeeperClient().blockUntilConnectedOrTimedOut()).isTrue();
		assertThat(zkCli.getData().forPath("/kept")).asString(StandardCharsets.UTF_8).isEqualTo("before");
		assertThat(zkCli.getZookeeperClient().getZooKeeper().getSessionId()).as("the same session").isEqualTo(session);
	}

	@Test
	void theTicksBoundTheSessionsTheServerGrants() throws Exception {
		assertThat(this.zk.zkCli().getZookeeperClient().getZooKeeper().getSessionTimeout()).isEqualTo(15_000);
		try (InProcessZooKeeper fast = new InProcessZooKeeper();
				ZooKeeperTestClients clients = new ZooKeeperTestClients()) {
			CuratorFramework client = clients.connect(fast.connectString());
			assertThat(client.getZookeeperClient().getZooKeeper().getSessionTimeout()).isEqualTo(4_000);
		}
	}

}
