package org.zkbank.account;

import java.nio.charset.StandardCharsets;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ZKConfig;

import org.springframework.cloud.zookeeper.CuratorFrameworkCustomizer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class AccountConfiguration {

	/** Five nodes of up to ZooKeeper's default 1 MB each, with room to spare. */
	static final int MAX_REPLY_BYTES = 8 * 1024 * 1024;

	/**
	 * Every session, the application's and each customer's:
	 * <ul>
	 * <li>uses the connect string as given: no watch on ZooKeeper's dynamic configuration, whose
	 * background retries logged a stack trace per session while ZooKeeper was down;</li>
	 * <li>gives up on a request unanswered for {@code bank.retry.request-timeout};</li>
	 * <li>accepts replies of up to {@value #MAX_REPLY_BYTES} bytes: a read takes five nodes at
	 * once, and oversized data in them must be read and reported, not drop the session;</li>
	 * <li>authenticates with {@code bank.zookeeper-auth} when it is set.</li>
	 * </ul>
	 */
	@Bean
	CuratorFrameworkCustomizer bankSessions(BankProperties properties) {
		return (builder) -> {
			ZKClientConfig config = new ZKClientConfig();
			config.setProperty(ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT,
					Long.toString(properties.retry().requestTimeout().toMillis()));
			config.setProperty(ZKConfig.JUTE_MAXBUFFER, Integer.toString(MAX_REPLY_BYTES));
			builder.ensembleTracker(false).zkClientConfig(config);
			BankProperties.ZooKeeperAuth auth = properties.zookeeperAuth();
			if (auth.enabled()) {
				builder.authorization("digest",
						(auth.username() + ":" + auth.password()).getBytes(StandardCharsets.UTF_8));
			}
		};
	}

	/** The audit reads through the application's shared ZooKeeper session. */
	@Bean
	DepositAudit depositAudit(CuratorFramework client, BankProperties properties) {
		return new DepositAudit(client, properties);
	}

}
