package org.zkbank.zookeeper;

import org.apache.curator.framework.CuratorFramework;

import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.cloud.zookeeper.ZookeeperHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Replaces Spring Cloud Zookeeper's {@code zookeeper} health indicator, which backs off
 * when a {@link ZookeeperHealthIndicator} bean exists, and is off like it with
 * {@code management.health.zookeeper.enabled=false}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnEnabledHealthIndicator("zookeeper")
class ZooKeeperHealthConfiguration {

	/**
	 * Spring Cloud Zookeeper's {@code zookeeper} health check, answering at once while
	 * the session has no connection instead of blocking in Curator's retry loop (which
	 * made a readiness probe take about 15 seconds to say DOWN).
	 */
	@Bean
	ZookeeperHealthIndicator zookeeperHealthIndicator(CuratorFramework curatorFramework) {
		return new ZookeeperHealthIndicator(curatorFramework) {

			@Override
			protected void doHealthCheck(Health.Builder builder) throws Exception {
				if (curatorFramework.getZookeeperClient().isConnected()) {
					super.doHealthCheck(builder);
					return;
				}
				builder.down()
					.withDetail("error", "not connected")
					.withDetail("connectionString", curatorFramework.getZookeeperClient().getCurrentConnectionString());
			}

		};
	}

}
