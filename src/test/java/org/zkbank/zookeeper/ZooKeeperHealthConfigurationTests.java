package org.zkbank.zookeeper;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.zookeeper.ZookeeperHealthAutoConfiguration;
import org.springframework.cloud.zookeeper.ZookeeperHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code zookeeper} health indicator is ours in place of Spring Cloud Zookeeper's,
 * and off, as Spring Cloud's, with {@code management.health.zookeeper.enabled=false}.
 */
class ZooKeeperHealthConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ZookeeperHealthAutoConfiguration.class))
		.withUserConfiguration(UnstartedClient.class, ZooKeeperHealthConfiguration.class);

	@Test
	void enabledItIsOursAndSaysDownAtOnceWithoutAConnection() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ZookeeperHealthIndicator.class);
			Health health = context.getBean(ZookeeperHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			// Spring Cloud's says "Client not started" for this client
			assertThat(health.getDetails()).containsEntry("error", "not connected")
				.containsEntry("connectionString", UnstartedClient.CONNECT_STRING);
		});
	}

	@Test
	void disabledThereIsNone() {
		this.runner.withPropertyValues("management.health.zookeeper.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ZookeeperHealthIndicator.class));
	}

	/** A client that is never started, so nothing connects anywhere. */
	@Configuration(proxyBeanMethods = false)
	static class UnstartedClient {

		static final String CONNECT_STRING = "127.0.0.1:1";

		@Bean
		CuratorFramework curatorFramework() {
			return CuratorFrameworkFactory.newClient(CONNECT_STRING, new RetryOneTime(1));
		}

	}

}
