package org.zkbank.account;

import org.apache.curator.framework.CuratorFramework;

import org.springframework.cloud.zookeeper.CuratorFrameworkCustomizer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class AccountConfiguration {

	/**
	 * Every session (the application's and each customer's) uses the connect string as given:
	 * no watch on ZooKeeper's dynamic configuration, whose background retries logged a stack
	 * trace per session while ZooKeeper was down.
	 */
	@Bean
	CuratorFrameworkCustomizer staticEnsemble() {
		return (builder) -> builder.ensembleTracker(false);
	}

	/** The audit reads through the application's shared ZooKeeper session. */
	@Bean
	DepositAudit depositAudit(CuratorFramework client, BankProperties properties) {
		return new DepositAudit(client, properties);
	}

}
