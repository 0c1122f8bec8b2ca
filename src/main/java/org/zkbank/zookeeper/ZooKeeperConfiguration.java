package org.zkbank.zookeeper;

import java.nio.charset.StandardCharsets;

import org.apache.curator.RetryPolicy;
import org.apache.curator.drivers.TracerDriver;
import org.apache.curator.ensemble.EnsembleProvider;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ZKConfig;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.zookeeper.CuratorFactory;
import org.springframework.cloud.zookeeper.CuratorFrameworkCustomizer;
import org.springframework.cloud.zookeeper.ZookeeperProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The application's ZooKeeper sessions, all made by Spring Cloud Zookeeper and set up
 * here.
 */
@Configuration(proxyBeanMethods = false)
class ZooKeeperConfiguration {

	/** Five nodes of up to ZooKeeper's default 1 MB each, with room to spare. */
	static final int MAX_REPLY_BYTES = 8 * 1024 * 1024;

	/**
	 * Every session, the application's and each customer's:
	 * <ul>
	 * <li>uses the connect string as given: no watch on ZooKeeper's dynamic
	 * configuration, whose background retries logged a stack trace per session while
	 * ZooKeeper was down;</li>
	 * <li>gives up on a request unanswered for
	 * {@code bank.zookeeper.request-timeout};</li>
	 * <li>accepts replies of up to {@value #MAX_REPLY_BYTES} bytes: a read takes five
	 * nodes at once, and oversized data in them must be read and reported, not drop the
	 * session;</li>
	 * <li>authenticates with {@code bank.zookeeper.auth} when it is set.</li>
	 * </ul>
	 */
	@Bean
	CuratorFrameworkCustomizer bankSessions(ZooKeeperProperties properties) {
		return (builder) -> {
			ZKClientConfig config = new ZKClientConfig();
			config.setProperty(ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT,
					Long.toString(properties.requestTimeout().toMillis()));
			config.setProperty(ZKConfig.JUTE_MAXBUFFER, Integer.toString(MAX_REPLY_BYTES));
			builder.ensembleTracker(false).zkClientConfig(config);
			ZooKeeperProperties.Auth auth = properties.auth();
			if (auth.enabled()) {
				builder.authorization("digest",
						(auth.username() + ":" + auth.password()).getBytes(StandardCharsets.UTF_8));
			}
		};
	}

	/**
	 * The shared session, and more sessions made as Spring Cloud Zookeeper made that one.
	 */
	@Bean
	ZooKeeperSessions zooKeeperSessions(CuratorFramework curatorFramework, ZookeeperProperties properties,
			RetryPolicy retryPolicy, ObjectProvider<CuratorFrameworkCustomizer> customizers,
			ObjectProvider<EnsembleProvider> ensemble, ObjectProvider<TracerDriver> tracer) {
		return new ZooKeeperSessions(curatorFramework, () -> CuratorFactory.curatorFramework(properties, retryPolicy,
				customizers::orderedStream, ensemble::getIfAvailable, tracer::getIfAvailable));
	}

}
