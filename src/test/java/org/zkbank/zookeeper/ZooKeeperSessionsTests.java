package org.zkbank.zookeeper;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.client.ZKClientConfig;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.zookeeper.ZookeeperAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every session, the application's and each one {@link ZooKeeperSessions} opens, has the
 * request timeout and the credentials of {@code bank.zookeeper.*}; on the embedded
 * server.
 */
class ZooKeeperSessionsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ZookeeperAutoConfiguration.class))
		.withUserConfiguration(Properties.class, EmbeddedZooKeeperConfiguration.class, ZooKeeperConfiguration.class);

	@Test
	void anOpenedSessionIsItsOwnWithTheSameTimeoutAndCredentials() throws IOException {
		this.runner
			.withPropertyValues("bank.embedded-zookeeper.enabled=true",
					"bank.embedded-zookeeper.port=" + EmbeddedZooKeeperConfigurationTests.freePort(),
					"bank.zookeeper.request-timeout=7s", "bank.zookeeper.auth.username=bank",
					"bank.zookeeper.auth.password=s3cret")
			.run((context) -> {
				ZooKeeperSessions sessions = context.getBean(ZooKeeperSessions.class);
				CuratorFramework shared = context.getBean(CuratorFramework.class);
				assertThat(sessions.shared()).isSameAs(shared);
				assertThat(shared.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
				CuratorFramework own = sessions.open();
				assertThat(own).isNotSameAs(shared);
				assertThat(own.getZookeeperClient().getZooKeeper().getSessionId())
					.isNotEqualTo(shared.getZookeeperClient().getZooKeeper().getSessionId());
				for (CuratorFramework session : new CuratorFramework[] { shared, own }) {
					assertThat(session.getZookeeperClient()
						.getZooKeeper()
						.getClientConfig()
						.getProperty(ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT)).isEqualTo("7000");
				}
				// a node only its creator may change: the other session may, so it is the
				// same user
				shared.create().withACL(ZooDefs.Ids.CREATOR_ALL_ACL).forPath("/secured");
				own.setData().forPath("/secured", new byte[] { 1 });

				sessions.close(own);
				sessions.close(shared);
				assertThat(own.getState()).isEqualTo(CuratorFrameworkState.STOPPED);
				assertThat(shared.getState()).isEqualTo(CuratorFrameworkState.STARTED);
			});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ EmbeddedZooKeeperProperties.class, ZooKeeperProperties.class })
	static class Properties {

	}

}
