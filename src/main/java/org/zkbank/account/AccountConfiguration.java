package org.zkbank.account;

import org.apache.curator.framework.CuratorFramework;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import org.zkbank.zookeeper.ZooKeeperProperties;

@Configuration(proxyBeanMethods = false)
class AccountConfiguration {

	/** The deposit, its retries and the credentials its nodes' ACL is made for. */
	@Bean
	DepositSettings depositSettings(DepositProperties deposit, RetryProperties retry, ZooKeeperProperties zookeeper) {
		return new DepositSettings(deposit, retry, zookeeper.auth());
	}

	/** The audit reads through the application's shared ZooKeeper session. */
	@Bean
	DepositAudit depositAudit(CuratorFramework client, DepositSettings settings) {
		return new DepositAudit(client, settings);
	}

}
