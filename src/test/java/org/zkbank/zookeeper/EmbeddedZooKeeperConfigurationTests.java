package org.zkbank.zookeeper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.apache.curator.ensemble.EnsembleProvider;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.zookeeper.ZookeeperAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded ZooKeeper server runs only with
 * {@code bank.embedded-zookeeper.enabled=true}.
 */
class EmbeddedZooKeeperConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(Properties.class, EmbeddedZooKeeperConfiguration.class);

	@Test
	void onAServerRunsOnTheGivenPortAndTheApplicationsClientConnectsToIt() throws IOException {
		int port = freePort();
		this.runner.withConfiguration(AutoConfigurations.of(ZookeeperAutoConfiguration.class))
			.withPropertyValues("bank.embedded-zookeeper.enabled=true", "bank.embedded-zookeeper.port=" + port)
			.run((context) -> {
				assertThat(context).hasSingleBean(EmbeddedZooKeeper.class);
				String address = InetAddress.getLoopbackAddress().getHostAddress() + ":" + port;
				assertThat(context.getBean(EmbeddedZooKeeper.class).connectString()).isEqualTo(address);
				CuratorFramework client = context.getBean(CuratorFramework.class);
				assertThat(client.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
				assertThat(client.getZookeeperClient().getCurrentConnectionString()).isEqualTo(address);
				client.create().forPath("/written", "1".getBytes(StandardCharsets.UTF_8));
				assertThat(client.getData().forPath("/written")).asString(StandardCharsets.UTF_8).isEqualTo("1");
			});
	}

	@Test
	void offThereIsNoServer() throws IOException {
		this.runner
			.withPropertyValues("bank.embedded-zookeeper.enabled=false", "bank.embedded-zookeeper.port=" + freePort())
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(EmbeddedZooKeeper.class)
				.doesNotHaveBean(EnsembleProvider.class));
	}

	@Test
	void offUnlessEnabled() throws IOException {
		this.runner.withPropertyValues("bank.embedded-zookeeper.port=" + freePort())
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(EmbeddedZooKeeper.class)
				.doesNotHaveBean(EnsembleProvider.class));
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(EmbeddedZooKeeperProperties.class)
	static class Properties {

	}

}
